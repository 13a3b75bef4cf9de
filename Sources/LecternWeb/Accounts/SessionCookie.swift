import Foundation
import Hummingbird

/// The session cookie: `HttpOnly; SameSite=Lax; Path=/`, plus `Secure` and the `__Host-` prefix when the site is served over HTTPS.
struct SessionCookie: Sendable {
    let secure: Bool
    let maxAge: Int

    var name: String { secure ? "__Host-lectern_session" : "lectern_session" }

    func setting(_ id: String) -> String {
        Self.header(name, id, maxAge: maxAge, secure: secure)
    }

    var clearing: String {
        Self.header(name, "", maxAge: 0, secure: secure)
    }

    /// A `Set-Cookie` value as every Lectern cookie is set: `Path=/; HttpOnly; SameSite=Lax`, `Secure` on HTTPS.
    /// Built with Hummingbird's `Cookie`, which also checks the name and value against RFC 6265.
    static func header(_ name: String, _ value: String, maxAge: Int, secure: Bool) -> String {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax).description
    }

    func value(in request: Request) -> String? {
        request.cookies[name]?.value
    }
}
