import Hummingbird
import LecternCore
import LecternStore

/// CSRF tokens for forms. A visitor with a session uses the session's token. A visitor without one gets a random
/// cookie and a token that is the site key's HMAC of it (a signed double-submit token), so showing a form writes
/// nothing to the database: the session row is created only when a login succeeds.
struct FormTokens: Sendable {
    let signer: MessageSigner
    let secure: Bool
    /// The cookie lives long enough for a form left open over a working day.
    static let maxAge = 12 * 3600

    var cookieName: String { secure ? "__Host-lectern_form" : "lectern_form" }

    /// The token for this visitor's forms, and the cookie to set: the visitor's own nonce again, with a fresh
    /// lifetime (so a form shown just before it ran out still works; other open tabs keep theirs), or a new one.
    func issue(_ request: Request, context: AppRequestContext) -> (csrf: String, setCookie: String?) {
        if let session = context.session { return (session.csrfToken, nil) }
        let nonce = nonce(in: request) ?? SecretToken.make()
        let cookie = SessionCookie.header(cookieName, nonce, maxAge: Self.maxAge, secure: secure)
        return (token(for: nonce), cookie)
    }

    /// The token this visitor's forms carry, without issuing a cookie (a form shown again after a refused post).
    func current(_ request: Request, context: AppRequestContext) -> String {
        if let session = context.session { return session.csrfToken }
        return nonce(in: request).map(token(for:)) ?? ""
    }

    /// Whether `token` is the one this visitor's forms carry.
    func isValid(_ token: String, request: Request, context: AppRequestContext) -> Bool {
        if let session = context.session { return SecretToken.constantTimeEquals(token, session.csrfToken) }
        guard let nonce = nonce(in: request) else { return false }
        return signer.isValid(token, for: "form:\(nonce)")
    }

    private func token(for nonce: String) -> String {
        signer.signature("form:\(nonce)")
    }

    private func nonce(in request: Request) -> String? {
        guard let value = request.cookies[cookieName]?.value, value.utf8.count == 43 else { return nil }
        return value
    }
}
