import Foundation
import Hummingbird
import LecternCore
import LecternStore

/// `GET /api/v1/me`: who the caller is and what its token may do.
struct ProfileAPIController: Sendable {
    struct Profile: Encodable {
        var id: Int64
        var name: String
        var email: String
        var role: String
        var emailVerified: Bool
        /// What this request may do: the token's scope, lowered to the account's role.
        var scope: String
        var token: Token?
    }

    struct Token: Encodable {
        var id: Int64
        var name: String
        var scope: String
        var expiresAt: Date?
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("me", use: me)
        group.rejectOtherMethods("me", allowing: [.get])
    }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try APICaller.require(.read, in: context)
        let user = caller.user
        return try APIJSON.response(
            Profile(
                id: user.id, name: user.name, email: user.email, role: user.role.rawValue, emailVerified: user.isEmailVerified,
                scope: caller.scope.rawValue,
                token: caller.token.map { Token(id: $0.id, name: $0.name, scope: $0.scope.rawValue, expiresAt: $0.expiresAt) }))
    }
}
