import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// Every way to or from a place: enrolling, an access code, a request for approval, the waitlist, leaving. Each route
/// calls one `Enrolments` operation and tells its outcome; a refusal with something to fix shows the course page again
/// with what was typed.
struct PlaceController: Sendable {
    let presenter: CoursePresenter
    let enrolments: Enrolments
    let wording: RefusalWording
    let courseTemplate: PageTemplate
    let leaveTemplate: PageTemplate

    var renderer: PageRenderer { presenter.renderer }
    var flash: FlashCookie { presenter.flash }

    init(presenter: CoursePresenter, enrolments: Enrolments) throws {
        self.presenter = presenter
        self.enrolments = enrolments
        self.wording = RefusalWording(dates: presenter.renderer.dates)
        self.courseTemplate = try presenter.renderer.template("course")
        self.leaveTemplate = try presenter.renderer.template("leave")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/courses/:slug/enrol", use: enrol)
        group.get("/courses/:slug/leave", use: confirmLeave)
        group.post("/courses/:slug/leave", use: leave)
        group.post("/courses/:slug/code", use: redeem)
        group.post("/courses/:slug/request", use: request)
        group.post("/courses/:slug/request/withdraw", use: withdraw)
        group.post("/courses/:slug/waitlist", use: joinWaitlist)
        group.post("/courses/:slug/waitlist/leave", use: leaveWaitlist)
    }

    @Sendable func enrol(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asLearner(request, context) { request, slug, user in
            try await answer(try await enrolments.enrol(user, in: slug).outcome, slug: slug, request: request, context: context, waitlisted: .waitlisted)
        }
    }

    @Sendable func confirmLeave(_ request: Request, context: AppRequestContext) async throws -> Response {
        let course = try await presenter.catalogue.course(try context.parameters.require("slug"))
        guard let session = context.session, session.user != nil else { return SessionGate.loginRedirect(for: request) }
        let view = LeaveCourseView(
            site: renderer.site,
            meta: renderer.meta(
                title: "Leave \(course.summary.title)", description: "Leave this course.", path: "/courses/\(course.summary.slug)/leave",
                noindex: true, session: session),
            slug: course.summary.slug, title: course.summary.title, csrf: session.csrfToken)
        return try renderer.render(view, with: leaveTemplate).response(from: request, context: context)
    }

    @Sendable func leave(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.parameters.require("slug")
        guard let user = context.session?.user else {
            _ = try await presenter.catalogue.course(slug)
            return SessionGate.loginRedirect(for: request)
        }
        _ = try await enrolments.leave(user, courseSlug: slug)
        return .redirect(to: "/dashboard", flash: .left, cookie: flash)
    }

    @Sendable func redeem(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asLearner(request, context) { request, slug, user in
            let typed = try await FormFields.read(from: &request)["code"]
            do {
                let placed = try await enrolments.redeem(typed, by: user, for: slug, network: context.clientNetwork)
                return try await answer(placed.outcome, slug: slug, request: request, context: context, waitlisted: .codeWaitlisted)
            } catch CourseRefusal.codeMissing {
                return try await page(slug, context: context, request: request, codeError: wording.tell(.codeMissing).message)
            } catch CourseRefusal.code(let problem) {
                let code = typed.trimmingCharacters(in: .whitespacesAndNewlines)
                return try await page(slug, context: context, request: request, code: code, codeError: wording.codeMessage(problem))
            }
        }
    }

    @Sendable func request(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asLearner(request, context) { request, slug, user in
            let note = try await FormFields.read(from: &request)["note"]
            do {
                let placed = try await enrolments.request(note: note, by: user, for: slug)
                return try await answer(placed.outcome, slug: slug, request: request, context: context, waitlisted: .waitlisted)
            } catch CourseRefusal.noteTooLong(let count) {
                let kept = note.trimmingCharacters(in: .whitespacesAndNewlines)
                return try await page(slug, context: context, request: request, note: kept, noteError: wording.tell(.noteTooLong(count: count)).message)
            }
        }
    }

    @Sendable func withdraw(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asLearner(request, context) { _, slug, user in
            _ = try await enrolments.withdrawRequest(by: user, for: slug)
            return .redirect(to: "/courses/\(slug)", flash: .requestWithdrawn, cookie: flash)
        }
    }

    @Sendable func joinWaitlist(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asLearner(request, context) { request, slug, user in
            try await answer(try await enrolments.joinWaitlist(user, for: slug).outcome, slug: slug, request: request, context: context, waitlisted: .waitlisted)
        }
    }

    @Sendable func leaveWaitlist(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asLearner(request, context) { _, slug, user in
            _ = try await enrolments.leaveWaitlist(user, for: slug)
            return .redirect(to: "/courses/\(slug)", flash: .waitlistLeft, cookie: flash)
        }
    }

    // MARK: Helpers

    /// Runs `body` for the signed-in learner; a visitor is sent to log in and come back to the course (a 404 when there
    /// is no such course).
    private func asLearner(
        _ request: Request, _ context: AppRequestContext, _ body: (inout Request, _ slug: String, User) async throws -> Response
    ) async throws -> Response {
        let slug = try context.parameters.require("slug")
        guard let user = context.session?.user else {
            let course = try await presenter.catalogue.course(slug)
            return .redirect(to: "/login?enrol=\(course.summary.slug)", type: .normal)
        }
        var request = request
        return try await body(&request, slug, user)
    }

    /// Where an outcome leads: the course page with a notice, or (refused) the page as it is now with the reason.
    private func answer(_ outcome: PlaceOutcome, slug: String, request: Request, context: AppRequestContext, waitlisted: Flash) async throws -> Response {
        switch outcome {
        case .enrolled: return .redirect(to: "/courses/\(slug)", flash: .enrolled, cookie: flash)
        case .alreadyEnrolled: return .redirect(to: "/courses/\(slug)", flash: .alreadyEnrolled, cookie: flash)
        case .waitlisted: return .redirect(to: "/courses/\(slug)", flash: waitlisted, cookie: flash)
        case .requested: return .redirect(to: "/courses/\(slug)", flash: .requested, cookie: flash)
        case .needs(let mode):
            return .redirect(to: "/courses/\(slug)", flash: mode == .code ? .placeNeedsCode : mode == .approval ? .placeNeedsApproval : .placeOpen, cookie: flash)
        case .refused(let state):
            return try await page(slug, context: context, request: request, problem: wording.enrolmentClosed(state), status: .conflict)
        }
    }

    /// The course page again, with what the learner typed and what to fix.
    private func page(
        _ slug: String, context: AppRequestContext, request: Request, code: String = "", codeError: String? = nil, note: String = "",
        noteError: String? = nil, problem: String? = nil, status: HTTPResponse.Status = .unprocessableContent
    ) async throws -> Response {
        var view = presenter.page(try await presenter.learnerCourse(slug, context: context), context: context)
        view.cta.code = FieldView(value: code, error: codeError)
        view.cta.note = FieldView(value: note, error: noteError)
        view.problem = problem ?? (codeError ?? noteError).map { _ in "Please correct the field marked below." }
        return try renderer.render(view, with: courseTemplate, status: status).response(from: request, context: context)
    }
}
