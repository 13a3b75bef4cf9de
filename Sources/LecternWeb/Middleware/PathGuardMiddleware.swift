import Hummingbird

/// Refuses paths that no page or file of this site can have: NUL or other control bytes (raw or
/// percent-encoded), which would otherwise let `file.css%00.jpg` reach the file system under a false type.
struct PathGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard let decoded = path.removingPercentEncoding, !Self.hasControlBytes(decoded), !Self.hasControlBytes(path) else {
            throw HTTPError(.badRequest, message: "The address contains characters that are not allowed.")
        }
        return try await next(request, context)
    }

    static func hasControlBytes(_ text: String) -> Bool {
        text.utf8.contains { $0 < 0x20 || $0 == 0x7F }
    }
}
