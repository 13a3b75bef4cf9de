import HTTPTypes
import Hummingbird

/// Refuses requests whose `Host` is missing or given twice (RFC 9112 3.2: answer 400). Two Host headers let a proxy
/// and this server disagree about which site was asked for. HTTP/1.0 may omit Host: `HTTP10HostFiller` gives such a
/// request the site's own host before it gets here.
struct HostHeaderGuard<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // NIO's conversion keeps the first Host as the authority and leaves any further one among the fields.
        guard let authority = request.head.authority, !authority.isEmpty, request.headers[values: HTTPField.Name("Host")!].isEmpty else {
            throw HTTPError(.badRequest, message: "The request must name this site in exactly one Host header.")
        }
        return try await next(request, context)
    }
}
