import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// `GET /api/v1/me`: who the caller is and what its token may do; `GET /api/v1/me/enrolments`: their courses and progress.
struct ProfileAPIController: Sendable {
    let enrolments: Enrolments

    struct Enrolment: Encodable {
        var course: String
        var title: String
        var completedRequired: Int
        var required: Int
        var percent: Int
        var complete: Bool
        /// The first lesson not yet done, and the one opened last.
        var nextLesson: String?
        var lastLesson: String?
        var certifiedAt: Date?
    }

    struct EnrolmentList: Encodable {
        var items: [Enrolment]
    }

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
        group.get("me/enrolments", use: myEnrolments)
        group.rejectOtherMethods("me/enrolments", allowing: [.get])
    }

    @Sendable func myEnrolments(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try APICaller.require(.read, in: context)
        let items = try await enrolments.courses(of: caller.user).map {
            Enrolment(
                course: $0.slug, title: $0.title, completedRequired: $0.progress.completedRequired, required: $0.progress.required,
                percent: $0.progress.percent, complete: $0.progress.isComplete, nextLesson: $0.nextLesson?.slug, lastLesson: $0.lastLesson?.slug,
                certifiedAt: $0.certifiedAt)
        }
        return try APIJSON.response(EnrolmentList(items: items), for: request)
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
