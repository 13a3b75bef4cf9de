import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// `/review`: an instructor's queue of checkpoint submissions (oldest first, only the courses they teach), and the
/// review of one. Learners never reach it.
struct ReviewController: Sendable {
    let reviews: Reviews
    /// Mails the learner at once after a decision on their request.
    let enrolmentMailer: EnrolmentMailer
    let renderer: PageRenderer
    let flash: FlashCookie
    let queueTemplate: PageTemplate
    let itemTemplate: PageTemplate
    /// Mails the learner at once after a review (it also catches up every 30 s, for reviews made from the CLI).
    let mailer: ReviewMailer
    let mailInBackground: Bool

    init(
        reviews: Reviews, renderer: PageRenderer, flash: FlashCookie, mailer: ReviewMailer, enrolmentMailer: EnrolmentMailer, mailInBackground: Bool
    ) throws {
        self.reviews = reviews
        self.enrolmentMailer = enrolmentMailer
        self.mailer = mailer
        self.mailInBackground = mailInBackground
        self.renderer = renderer
        self.flash = flash
        self.queueTemplate = try renderer.template("review-queue")
        self.itemTemplate = try renderer.template("review")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/review", use: queue)
        group.get("/review/:id", use: show)
        group.post("/review/:id", use: decide)
        group.post("/review/requests/:id", use: decideRequest)
    }

    static let notAnInstructor = HTTPError(
        .forbidden, message: "The review queue is for instructors. If you teach a course here, ask the school to add you as its instructor.")

    /// The signed-in instructor; nil when nobody is signed in (they get the login page), a 403 for anyone else.
    private func instructor(_ context: AppRequestContext) async throws -> (SessionRecord, User)? {
        guard let (session, user) = SessionGate.signedIn(context) else { return nil }
        guard try await reviews.isInstructor(user) else { throw Self.notAnInstructor }
        return (session, user)
    }

    @Sendable func queue(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (session, user) = try await instructor(context) else { return SessionGate.loginRedirect(for: request) }
        let (items, pending) = try await reviews.queue(for: user)
        var view = ReviewQueueView(
            site: renderer.site,
            meta: renderer.meta(title: "Review queue", description: "Checkpoint submissions waiting for review.", path: "/review", section: "review", noindex: true,
                session: session),
            items: items.map { ReviewQueueItemView($0, dates: renderer.dates) }, hasItems: !items.isEmpty, count: items.count,
            notice: context.flash?.text)
        view.requests = pending.map {
            PlaceRequestView(
                action: "/review/requests/\($0.id)", learnerName: $0.learnerName, courseTitle: $0.courseTitle,
                requestedAt: renderer.dates.longWithTime($0.requestedAt), note: $0.note.isEmpty ? nil : $0.note, fieldID: "reason-\($0.id)")
        }
        view.hasRequests = !pending.isEmpty
        view.csrf = session.csrfToken
        return try renderer.render(view, with: queueTemplate).response(from: request, context: context)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context: context, feedback: "", error: nil, status: .ok)
    }

    private func page(_ request: Request, context: AppRequestContext, feedback: String, error: String?, status: HTTPResponse.Status) async throws
        -> Response
    {
        guard let (session, user) = try await instructor(context) else { return SessionGate.loginRedirect(for: request) }
        guard let id = Int64(try context.parameters.require("id")), let item = try await reviews.submission(id, for: user) else {
            throw HTTPError(.notFound, message: "There is no such submission in the courses you teach. See the review queue.")
        }
        let view = ReviewPageView(
            site: renderer.site,
            meta: renderer.meta(
                title: "Review: \(item.lessonTitle)", description: "A checkpoint submission to review.", path: "/review/\(id)", section: "review",
                noindex: true,
                session: session),
            item: ReviewQueueItemView(item, dates: renderer.dates), briefHTML: item.briefHTML, text: item.submission.text,
            link: item.submission.link, csrf: session.csrfToken, feedback: FieldView(value: feedback, error: error),
            isOpen: item.submission.status == .submitted, isOwn: item.submission.userID == user.id,
            outcome: item.submission.status == .submitted
                ? nil : "\(item.submission.status == .approved ? "Approved" : "Returned") by \(item.submission.reviewerName ?? "an instructor")"
                    + (item.submission.reviewedAt.map { " on \(renderer.dates.longWithTime($0))" } ?? "") + ".",
            reviewedFeedback: item.submission.status == .submitted ? nil : item.submission.feedback)
        return try renderer.render(view, with: itemTemplate, status: status).response(from: request, context: context)
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        guard let (_, user) = try await instructor(context) else { return SessionGate.loginRedirect(for: request) }
        guard let id = Int64(try context.parameters.require("id")) else { throw HTTPError(.notFound) }
        let form = try await FormFields.read(from: &request)
        let feedback = form["feedback"].trimmingCharacters(in: .whitespacesAndNewlines)
        guard ["approve", "return"].contains(form["decision"]) else { throw HTTPError(.badRequest, message: "Choose Approve or Return.") }
        do {
            _ = try await reviews.decide(submission: id, by: user.id, approve: form["decision"] == "approve", feedback: feedback)
        } catch ReviewRefusal.feedbackTooLong {
            return try await page(
                request, context: context, feedback: feedback, error: "Keep the feedback under \(Reviews.maxFeedbackLength.formatted()) characters.",
                status: .unprocessableContent)
        } catch CheckpointRefusal.feedbackNeeded {
            return try await page(
                request, context: context, feedback: feedback, error: CheckpointRefusal.feedbackNeeded.message, status: .unprocessableContent)
        } catch let refusal as CheckpointRefusal {
            throw HTTPError(refusal == .notAnInstructor ? .forbidden : .conflict, message: refusal.message)
        }
        let mailer = self.mailer
        if mailInBackground { Task { await mailer.sendReviews() } } else { await mailer.sendReviews() }
        return .redirect(to: "/review", flash: .reviewed, cookie: flash)
    }

    /// Approves or declines a request for a place on a course the instructor teaches; the learner is mailed at once.
    @Sendable func decideRequest(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        guard let (_, user) = try await instructor(context) else { return SessionGate.loginRedirect(for: request) }
        let form = try await FormFields.read(from: &request)
        guard let id = Int64(try context.parameters.require("id")), ["approve", "decline"].contains(form["decision"]) else {
            throw HTTPError(.badRequest, message: "Choose Approve or Decline.")
        }
        _ = try await reviews.decide(request: id, by: user, approve: form["decision"] == "approve", reason: form["reason"])
        let mailer = enrolmentMailer
        if mailInBackground { Task { await mailer.send() } } else { await mailer.send() }
        return .redirect(to: "/review", flash: form["decision"] == "approve" ? .requestApproved : .requestDeclined, cookie: flash)
    }
}
