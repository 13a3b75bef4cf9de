import Foundation
import LecternCore
import LecternStore
import Logging
import ServiceLifecycle

/// Tells learners what happened to their place: promoted from a waitlist, a request approved or declined. Reads the
/// event log like `ReviewMailer`, so decisions made from the CLI are mailed too, once, by one instance.
struct EnrolmentMailer: Service {
    let notices: EventMailer
    let requests: EnrolmentRequestStore
    let waitlists: WaitlistStore
    let siteName: String
    let baseURL: String

    /// How long `run` waits between rounds (`AppConfiguration.mailCatchUpInterval`).
    var catchUpInterval: Duration = .seconds(30)

    static let cursor = "enrolment-mail"
    static let perHour = 30

    init(
        events: EventLog, requests: EnrolmentRequestStore, waitlists: WaitlistStore, mail: any MailTransport, ledger: MailLedger,
        verifications: EmailVerificationStore, siteName: String, baseURL: String, logger: Logger
    ) {
        self.notices = EventMailer(
            cursor: Self.cursor, kinds: [.waitlistPromoted, .requestDecided], perHour: Self.perHour, events: events, mail: mail, ledger: ledger,
            verifications: verifications, logger: logger)
        self.requests = requests
        self.waitlists = waitlists
        self.siteName = siteName
        self.baseURL = baseURL
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await send()
                try? await Task.sleep(for: catchUpInterval)
            }
        }
    }

    /// Mails every notice not mailed yet; returns how many went out.
    @discardableResult
    func send(now: Date = Date()) async -> Int {
        let mailer = self
        return await notices.drain(now: now) { event in try await mailer.notice(for: event) }
    }

    func notice(for event: StoredEvent) async throws -> Notice? {
        switch EventKind(rawValue: event.kind) {
        case .waitlistPromoted:
            guard let userID = event.userID, let courseID = event.subjectID,
                let promotion = try await waitlists.promotion(userID: userID, courseID: courseID)
            else { return nil }
            return promoted(promotion)
        case .requestDecided:
            guard let id = event.subjectID, let request = try await requests.request(id: id) else { return nil }
            return decided(request)
        default: return nil  // the other kinds are not mailed
        }
    }

    func promoted(_ promotion: WaitlistPromotion) -> Notice {
        let url = "\(baseURL)/courses/\(promotion.courseSlug)"
        if promotion.isEnrolled {
            return Notice(
                recipient: promotion.email, kind: "place", subject: "A seat on “\(promotion.courseTitle)” is yours",
                body: """
                    Hello \(promotion.name),

                    A seat freed on \(promotion.courseTitle) and you were first on the waitlist: you are enrolled.

                    Start the course: \(url)

                    \(siteName)
                    """)
        }
        return Notice(
            recipient: promotion.email, kind: "place", subject: "Your request for “\(promotion.courseTitle)” is now with the school",
            body: """
                Hello \(promotion.name),

                A seat freed on \(promotion.courseTitle). Your request no longer waits for one: it now holds the seat while the school decides, and you will hear from us again.

                See where it stands: \(url)

                \(siteName)
                """)
    }

    func decided(_ request: EnrolmentRequest) -> Notice? {
        let url = "\(baseURL)/courses/\(request.courseSlug)"
        let reason = request.reason.map { "\nThe school's note:\n\n\($0)\n" } ?? ""
        switch request.status {
        case .approved:
            return Notice(
                recipient: request.learnerEmail, kind: "place", subject: "Your place on “\(request.courseTitle)” is confirmed",
                body: """
                    Hello \(request.learnerName),

                    Your request for a place on \(request.courseTitle) was approved: you are enrolled.
                    \(reason)
                    Start the course: \(url)

                    \(siteName)
                    """)
        case .declined:
            return Notice(
                recipient: request.learnerEmail, kind: "place", subject: "Your request for “\(request.courseTitle)” was declined",
                body: """
                    Hello \(request.learnerName),

                    Your request for a place on \(request.courseTitle) was declined.
                    \(reason)
                    You may ask again from the course page: \(url)

                    \(siteName)
                    """)
        case .pending, .withdrawn: return nil
        }
    }
}
