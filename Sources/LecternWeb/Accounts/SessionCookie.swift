import Foundation
import Hummingbird

/// The session cookie: `HttpOnly; SameSite=Lax; Path=/`, plus `Secure` and the `__Host-` prefix when the site is served over HTTPS.
struct SessionCookie: Sendable {
    let secure: Bool
    let maxAge: Int

    var name: String { secure ? "__Host-lectern_session" : "lectern_session" }

    func setting(_ id: String) -> String {
        "\(name)=\(id); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax\(secure ? "; Secure" : "")"
    }

    var clearing: String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax\(secure ? "; Secure" : "")"
    }

    func value(in request: Request) -> String? {
        request.cookies[name]?.value
    }
}
