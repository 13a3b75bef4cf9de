import Hummingbird
import LecternStore

/// Loads the visitor's session from the cookie. Responses to anyone with a session (their pages may carry a CSRF
/// token or their name), and any response that sets a cookie, are marked `no-store` so no shared cache keeps them.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let sessions: SessionStore
    let cookie: SessionCookie

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let id = cookie.value(in: request) {
            context.session = try await sessions.find(id: id)
        }
        var response = try await next(request, context)
        if context.session != nil || response.headers[.setCookie] != nil {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}
