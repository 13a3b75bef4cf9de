import Foundation
import Hummingbird
import LecternCore
import LecternStore

/// The ways to a place other than plain enrolling: an access code, a request for approval, the waitlist.
struct PlaceController: Sendable {
    let presenter: CoursePresenter
    let codes: AccessCodeStore
    let requests: EnrolmentRequestStore
    let waitlists: WaitlistStore
    let limiter: RateLimiter
    let courseTemplate: PageTemplate

    /// Wrong codes one account, and one client network, may try an hour: enough for typing mistakes, far too few to guess.
    static let wrongCodesPerAccount = RateLimiter.Rule(limit: 10, window: 3600)
    static let wrongCodesPerNetwork = RateLimiter.Rule(limit: 30, window: 3600)

    var renderer: PageRenderer { presenter.renderer }
    var flash: FlashCookie { presenter.flash }

    init(presenter: CoursePresenter, codes: AccessCodeStore, requests: EnrolmentRequestStore, waitlists: WaitlistStore, limiter: RateLimiter) throws {
        self.presenter = presenter
        self.codes = codes
        self.requests = requests
        self.waitlists = waitlists
        self.limiter = limiter
        self.courseTemplate = try presenter.renderer.template("course")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/courses/:slug/code", use: redeem)
        group.post("/courses/:slug/request", use: request)
        group.post("/courses/:slug/request/withdraw", use: withdraw)
        group.post("/courses/:slug/waitlist", use: joinWaitlist)
        group.post("/courses/:slug/waitlist/leave", use: leaveWaitlist)
    }

    @Sendable func redeem(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asLearner(request, context) { request, slug, courseID, user in
            let typed = try await FormFields.read(from: &request)["code"].trimmingCharacters(in: .whitespacesAndNewlines)
            let accountKey = "code:\(user.id)"
            let networkKey = "code:\(context.clientNetwork)"
            let accountWait = await limiter.wait(accountKey, Self.wrongCodesPerAccount)
            let networkWait = await limiter.wait(networkKey, Self.wrongCodesPerNetwork)
            if let wait = accountWait ?? networkWait {
                throw AccountServices.tooManyRequests(wait, "Too many wrong codes were tried. Check the code you were given, then try again later")
            }
            guard !typed.isEmpty else { return try await page(slug, context: context, request: request, codeError: "Enter the access code you were given.") }
            switch try await codes.redeem(typed, userID: user.id, courseID: courseID) {
            case .success(let outcome):
                return try await answer(outcome, slug: slug, request: request, context: context, waitlisted: .codeWaitlisted)
            case .failure(let problem):
                if problem == .unknown {
                    _ = await limiter.take(accountKey, Self.wrongCodesPerAccount)
                    _ = await limiter.take(networkKey, Self.wrongCodesPerNetwork)
                }
                return try await page(slug, context: context, request: request, code: typed, codeError: Self.message(problem, dates: renderer.dates))
            }
        }
    }

    static func message(_ problem: AccessCodeProblem, dates: DateText) -> String {
        switch problem {
        case .unknown:
            "That code does not give a place on this course. Check it character by character: a code has 15 letters and digits, such as 7KQ2M-XW9FD-R4TCN."
        case .used: "That code has already been used for every place it gives. Ask whoever gave it to you for another."
        case .expired(let date): "That code expired on \(dates.long(date)). Ask the school for a new one."
        case .revoked: "That code was withdrawn by the school. Ask them for a new one."
        case .alreadyRedeemed: "You have already used that code."
        }
    }

    @Sendable func request(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asLearner(request, context) { request, slug, courseID, user in
            let note = try await FormFields.read(from: &request)["note"].trimmingCharacters(in: .whitespacesAndNewlines)
            guard note.count <= 1000 else {
                return try await page(slug, context: context, request: request, note: note, noteError: "Keep the note to 1,000 characters (it has \(note.count)).")
            }
            let outcome = try await requests.request(userID: user.id, courseID: courseID, note: note)
            return try await answer(outcome, slug: slug, request: request, context: context, waitlisted: .waitlisted)
        }
    }

    @Sendable func withdraw(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asLearner(request, context) { _, slug, courseID, user in
            try await requests.withdraw(userID: user.id, courseID: courseID)
            return .redirect(to: "/courses/\(slug)", flash: .requestWithdrawn, cookie: flash)
        }
    }

    @Sendable func joinWaitlist(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asLearner(request, context) { request, slug, courseID, user in
            try await answer(try await waitlists.join(userID: user.id, courseID: courseID), slug: slug, request: request, context: context, waitlisted: .waitlisted)
        }
    }

    @Sendable func leaveWaitlist(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await asLearner(request, context) { _, slug, courseID, user in
            try await waitlists.leave(userID: user.id, courseID: courseID)
            return .redirect(to: "/courses/\(slug)", flash: .waitlistLeft, cookie: flash)
        }
    }

    // MARK: Helpers

    /// Runs `body` for the signed-in learner with the course of the path (a 404 when there is none); a visitor is
    /// sent to log in and come back to the course.
    private func asLearner(
        _ request: Request, _ context: AppRequestContext,
        _ body: (inout Request, _ slug: String, _ courseID: Int64, User) async throws -> Response
    ) async throws -> Response {
        let slug = try context.parameters.require("slug")
        let course = try await presenter.course(slug)
        guard let user = context.session?.user else { return .redirect(to: "/login?enrol=\(slug)", type: .normal) }
        var request = request
        return try await body(&request, slug, course.id, user)
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
            return try await page(slug, context: context, request: request, problem: CourseController.refusal(state, dates: renderer.dates), status: .conflict)
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
