import Foundation
import Hummingbird
import LecternCore
import LecternStore

/// The few ways a handler needs a session: any (for a form's CSRF token), or a signed-in one.
enum SessionGate {
    /// The visitor's session, creating an anonymous one (and its cookie) when there is none, so forms can carry a CSRF token.
    static func ensure(
        _ request: Request, context: AppRequestContext, sessions: SessionStore, cookie: SessionCookie
    ) async throws -> (SessionRecord, setCookie: String?) {
        if let session = context.session { return (session, nil) }
        let (id, record) = try await sessions.create(userID: nil, userAgent: request.headers[.userAgent] ?? "", clientAddress: context.clientAddress)
        return (record, cookie.setting(id))
    }

    /// The session of a POST, which `CSRFMiddleware` has already required.
    static func require(_ context: AppRequestContext) throws -> SessionRecord {
        guard let session = context.session else { throw CSRFMiddleware.refusal("Your session has expired. Go back, reload the page and try again.") }
        return session
    }

    static func signedIn(_ context: AppRequestContext) -> (SessionRecord, User)? {
        guard let session = context.session, let user = session.user else { return nil }
        return (session, user)
    }

    /// Sends an anonymous visitor to the login page, and back here afterwards.
    static func loginRedirect(for request: Request) -> Response {
        let back = request.method == .get ? request.uri.path : "/account"
        return .redirect(to: "/login?next=\(SafeRedirect.queryValue(back))", type: .normal)
    }
}
