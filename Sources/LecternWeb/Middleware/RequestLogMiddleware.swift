import Hummingbird
import Logging
import NIOCore

/// One log line per request, after it is answered: method, path, status, time and the request id.
/// Not Hummingbird's `LogRequestsMiddleware`: it logs when a request arrives, without the status or the time taken,
/// which are what an operator reads this log for.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.attoseconds / 1_000_000_000_000) / 1000 + Double(elapsed.components.seconds) * 1000
        context.logger.debug(
            "\(request.method) \(request.uri.path) \(response.status.code)",
            metadata: ["ms": .stringConvertible(milliseconds)]
        )
        return response
    }
}
