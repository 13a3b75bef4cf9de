import Foundation
import Hummingbird
import LecternCore
import LecternStore

/// How a handler asks for a signed-in visitor, and sends others to log in.
enum SessionGate {
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
