import HTTPTypes
import Hummingbird

/// Answers HEAD wherever GET is answered. The router matches routes by method before any middleware runs,
/// so this wraps the whole router: run the GET, then drop its body and keep its headers, Content-Length included.
/// Not the router's `.autoGenerateHeadEndpoints`: that covers matched routes only (static files and error pages are
/// answered by middleware), and the handlers that count views need to know a request was a HEAD.
struct HeadResponder<Wrapped: HTTPResponder>: HTTPResponder {
    typealias Context = Wrapped.Context
    let wrapped: Wrapped

    /// Marks a HEAD turned into a GET, so handlers that count things (post views) can tell.
    static var marker: HTTPField.Name { HTTPField.Name("X-Lectern-Head")! }

    static func isHead(_ request: Request) -> Bool { request.headers[marker] != nil }

    func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .head else {
            guard request.headers[Self.marker] != nil else { return try await wrapped.respond(to: request, context: context) }
            // Only this responder may set the marker.
            var head = request.head
            head.headerFields[Self.marker] = nil
            return try await wrapped.respond(to: Request(head: head, body: request.body), context: context)
        }
        var head = request.head
        head.method = .get
        head.headerFields[Self.marker] = "1"
        var response = try await wrapped.respond(to: Request(head: head, body: request.body), context: context)
        // A body that declares the GET's length but writes nothing: HTTP's HEAD exactly.
        response.body = ResponseBody(contentLength: response.body.contentLength) { writer in try await writer.finish(nil) }
        return response
    }
}
