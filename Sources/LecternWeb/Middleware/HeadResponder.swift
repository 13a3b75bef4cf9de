import Hummingbird

/// Answers HEAD wherever GET is answered. The router matches routes by method before any middleware runs,
/// so this wraps the whole router: run the GET, then drop its body and keep its headers, Content-Length included.
struct HeadResponder<Wrapped: HTTPResponder>: HTTPResponder {
    typealias Context = Wrapped.Context
    let wrapped: Wrapped

    func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .head else { return try await wrapped.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        var response = try await wrapped.respond(to: Request(head: head, body: request.body), context: context)
        // A body that declares the GET's length but writes nothing: HTTP's HEAD exactly.
        response.body = ResponseBody(contentLength: response.body.contentLength) { writer in try await writer.finish(nil) }
        return response
    }
}
