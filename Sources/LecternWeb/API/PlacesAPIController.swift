import Foundation
import Hummingbird
import LecternCore
import LecternServices

/// A learner's place on a course through the API: enrolling and leaving, an access code, a request for approval, the
/// waitlist. Each operation needs the `learn` scope, calls one `Enrolments` operation and tells its outcome; refusals
/// are problem documents (`RefusalWording`).
struct PlacesAPIController: Sendable {
    let enrolments: Enrolments

    /// What asking for a place did.
    struct Place: Encodable {
        var course: String
        /// enrolled, already_enrolled, waitlisted or requested.
        var outcome: String
        var waitlistPosition: Int?
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("courses/:slug/enrolment", use: enrol)
        group.delete("courses/:slug/enrolment", use: leave)
        group.rejectOtherMethods("courses/:slug/enrolment", allowing: [.post, .delete])
        group.post("courses/:slug/redemptions", use: redeem)
        group.rejectOtherMethods("courses/:slug/redemptions", allowing: [.post])
        group.post("courses/:slug/request", use: request)
        group.delete("courses/:slug/request", use: withdraw)
        group.rejectOtherMethods("courses/:slug/request", allowing: [.post, .delete])
        group.post("courses/:slug/waitlist", use: joinWaitlist)
        group.delete("courses/:slug/waitlist", use: leaveWaitlist)
        group.rejectOtherMethods("courses/:slug/waitlist", allowing: [.post, .delete])
    }

    @Sendable func enrol(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (user, slug) = try await Self.learner(request, context)
        return try Self.answer(try await enrolments.enrol(user, in: slug))
    }

    @Sendable func leave(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (user, slug) = try await Self.learner(request, context)
        _ = try await enrolments.leave(user, courseSlug: slug)
        return Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }

    @Sendable func redeem(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try APICaller.require(.learn, in: context)
        let slug = try Self.slug(context)
        var body = try await APIRequestBody.read(request, context: context)
        let code = body.string("code", required: true, minLength: 1, maxLength: 40, pattern: .accessCode)
        try body.finish()
        return try Self.answer(try await enrolments.redeem(code ?? "", by: caller.user, for: slug, network: context.clientNetwork))
    }

    @Sendable func request(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try APICaller.require(.learn, in: context)
        let slug = try Self.slug(context)
        var body = try await APIRequestBody.read(request, context: context)
        let note = body.string("note", maxLength: RequestNote.maxLength)
        try body.finish()
        return try Self.answer(try await enrolments.request(note: note ?? "", by: caller.user, for: slug))
    }

    @Sendable func withdraw(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (user, slug) = try await Self.learner(request, context)
        _ = try await enrolments.withdrawRequest(by: user, for: slug)
        return Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }

    @Sendable func joinWaitlist(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (user, slug) = try await Self.learner(request, context)
        return try Self.answer(try await enrolments.joinWaitlist(user, for: slug))
    }

    @Sendable func leaveWaitlist(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (user, slug) = try await Self.learner(request, context)
        _ = try await enrolments.leaveWaitlist(user, for: slug)
        return Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }

    /// The caller (with the `learn` scope) and the course slug of an operation that takes no body: one sent must be an
    /// empty JSON object.
    static func learner(_ request: Request, _ context: AppRequestContext) async throws -> (User, String) {
        let caller = try APICaller.require(.learn, in: context)
        let slug = try slug(context)
        try await APIRequestBody.read(request, context: context).finish()
        return (caller.user, slug)
    }

    /// The path's course slug; a malformed one is no course.
    static func slug(_ context: AppRequestContext) throws -> String {
        let slug = try context.parameters.require("slug")
        guard Slug.isValid(slug) else { throw CourseRefusal.noSuchCourse(slug: slug) }
        return slug
    }

    /// 201 for a new place, a place in the queue or a request; 200 when the learner already had the place; a refusal
    /// (the course is closed or full, or gives places another way) is a 409 problem.
    static func answer(_ placed: Placement) throws -> Response {
        let slug = placed.course.summary.slug
        switch placed.outcome {
        case .enrolled: return try APIJSON.response(Place(course: slug, outcome: "enrolled"), status: .created)
        case .alreadyEnrolled: return try APIJSON.response(Place(course: slug, outcome: "already_enrolled"))
        case .waitlisted(let position): return try APIJSON.response(Place(course: slug, outcome: "waitlisted", waitlistPosition: position), status: .created)
        case .requested: return try APIJSON.response(Place(course: slug, outcome: "requested"), status: .created)
        case .refused(let state): throw CourseRefusal.enrolmentClosed(state)
        case .needs(let mode): throw CourseRefusal.placeNeeds(mode)
        }
    }
}
