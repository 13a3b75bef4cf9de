import Hummingbird

/// Answers HEAD wherever GET is answered: the router only matches GET, so run the GET and drop its body,
/// keeping its headers (Content-Length included).
struct HeadMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .head else { return try await next(request, context) }
        var head = request.head
        head.method = .get
        var response = try await next(Request(head: head, body: request.body), context)
        if let length = response.body.contentLength, response.headers[.contentLength] == nil {
            response.headers[.contentLength] = String(length)
        }
        response.body = .init()
        return response
    }
}
