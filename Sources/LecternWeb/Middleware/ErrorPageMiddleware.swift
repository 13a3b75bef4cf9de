import Hummingbird
import LecternCore
import LecternStore
import Logging
import NIOHTTP1

/// Turns thrown errors into pages in the site's style (problem documents under `/api/`): the status's own page for HTTP
/// errors, the services' refusals as `RefusalWording` tells them, and for
/// a 503 when the database's storage refuses a write (a full disk: reading still works, and writing again once the
/// operator frees space), and for anything unexpected a 500 that shows a request id (also logged with the error) and never the error itself.
struct ErrorPageMiddleware<Context: RequestContext>: RouterMiddleware {
    let renderer: PageRenderer
    let template: PageTemplate
    let refusals: RefusalWording

    init(renderer: PageRenderer) throws {
        self.renderer = renderer
        self.template = try renderer.template("error")
        self.refusals = RefusalWording(dates: renderer.dates)
    }

    /// What a 503 for a storage problem tells clients: an operator usually needs minutes to free space.
    static var storageRetrySeconds: Int { 120 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as APIProblem {
            return problem.response(requestID: nil)
        } catch let error as HTTPError {
            context.logger.debug("\(request.method) \(request.uri.path) \(error.status.code)")
            return try page(status: error.status, message: error.body, headers: error.headers, request: request, context: context)
        } catch let error as HTTPParserError {
            // A malformed body (a bad chunk size, say) is the client's mistake, not ours: 400, logged at debug only.
            context.logger.debug("\(request.method) \(request.uri.path) 400: malformed request (\(error))")
            return try page(status: .badRequest, message: "The request was malformed, so it was not read.", headers: [.connection: "close"], request: request, context: context)
        } catch let error as StorageUnavailableError {
            context.logger.error("\(request.method) \(request.uri.path) refused: \(error)", metadata: ["request_id": .string(context.id)])
            return try page(
                status: .serviceUnavailable, message: nil, headers: [.retryAfter: String(Self.storageRetrySeconds)], request: request,
                context: context)
        } catch let error as any HTTPResponseError where error.status != .internalServerError {
            return try page(status: error.status, message: nil, headers: [:], request: request, context: context)
        } catch {
            if let told = refusals.tell(error) {
                // A refusal decided by the services: the same status and words for a page or a problem document.
                context.logger.debug("\(request.method) \(request.uri.path) \(told.status.code): \(told.kind.rawValue)")
                if APIPaths.isAPI(request.uri.path) { return told.problem.response(requestID: nil) }
                return try page(status: told.status, message: told.message, headers: told.headers, request: request, context: context)
            }
            context.logger.error(
                "\(request.method) \(request.uri.path) failed: \(String(reflecting: error))", metadata: ["request_id": .string(context.id)])
            return try page(status: .internalServerError, message: nil, headers: [:], request: request, context: context, showRequestID: true)
        }
    }

    private func page(
        status: HTTPResponse.Status, message: String?, headers: HTTPFields, request: Request, context: Context, showRequestID: Bool = false
    ) throws -> Response {
        // Programs get a problem document, never a page (and never the page's wording about forms and browsers).
        if APIPaths.isAPI(request.uri.path) {
            var problem = APIProblem(status: status, detail: message)
            for field in headers where field.name != .contentType && field.name != .contentLength { problem.headers.append(field) }
            return problem.response(requestID: showRequestID ? context.id : nil)
        }
        let (heading, defaultMessage) = Self.wording(for: status)
        let view = ErrorPageView(
            site: renderer.site,
            meta: renderer.meta(title: heading, description: defaultMessage, path: request.uri.path, noindex: true),
            status: Int(status.code),
            heading: heading,
            message: message ?? defaultMessage,
            requestID: showRequestID ? context.id : nil
        )
        var response = try renderer.render(view, with: template, status: status).response(from: request, context: context)
        for field in headers where field.name != .contentType && field.name != .contentLength {
            response.headers.append(field)
        }
        response.headers[.cacheControl] = "no-store"
        return response
    }

    static func wording(for status: HTTPResponse.Status) -> (String, String) {
        switch status.code {
        case 400: return ("Bad request", "The address or form was not understood. Check it and try again.")
        case 403: return ("Not allowed", "You do not have permission to do this.")
        case 404: return ("Page not found", "We could not find that page. It may have moved, or the address may be mistyped.")
        case 405: return ("Method not allowed", "This address does not accept that kind of request.")
        case 413: return ("Too large", "What you sent is larger than this site accepts.")
        case 429: return ("Too many requests", "Please wait a moment, then try again.")
        case 503:
            return (
                "Temporarily unavailable",
                "The site cannot save changes right now: if you sent a form, it was not saved. Reading still works; please try again in a few minutes."
            )
        case 500..<600: return ("Something went wrong", "An unexpected error stopped this page. It has been logged; please try again in a moment.")
        default: return (status.reasonPhrase, "The request could not be completed.")
        }
    }
}
