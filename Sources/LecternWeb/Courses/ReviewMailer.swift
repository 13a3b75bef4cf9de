import Foundation
import LecternStore
import Logging
import ServiceLifecycle

/// Tells learners when an instructor reviewed their checkpoint, and each instructor once a day what waits for them.
/// It reads the event log (reviews from the web and the CLI alike are stored first), so a review made while the
/// server was down is still mailed when it starts, and of several instances only the one that advances the cursor sends.
struct ReviewMailer: Service {
    let reviews: EventMailer
    let checkpoints: CheckpointStore
    let siteName: String
    let baseURL: String
    let dates: DateText
    /// The hour of the day (UTC) from which the day's digest goes out.
    let digestHour: Int
    var events: EventLog { reviews.events }
    var logger: Logger { reviews.logger }

    /// How long `run` waits between rounds (`AppConfiguration.mailCatchUpInterval`).
    var catchUpInterval: Duration = .seconds(30)

    static let reviewCursor = "review-mail"
    static let digestCursor = "review-digest"
    /// Per recipient: review notices an hour, and one digest in any 20 hours (the ledger's limits, shared by every instance).
    static let reviewsPerHour = 30
    static let digestWindow: TimeInterval = 20 * 3600

    init(
        events: EventLog, checkpoints: CheckpointStore, mail: any MailTransport, ledger: MailLedger, verifications: EmailVerificationStore,
        siteName: String, baseURL: String, dates: DateText, digestHour: Int, logger: Logger
    ) {
        self.reviews = EventMailer(
            cursor: Self.reviewCursor, kinds: [.checkpointReviewed], perHour: Self.reviewsPerHour, events: events, mail: mail, ledger: ledger,
            verifications: verifications, logger: logger)
        self.checkpoints = checkpoints
        self.siteName = siteName
        self.baseURL = baseURL
        self.dates = dates
        self.digestHour = digestHour
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sendReviews()
                await sendDigestsIfDue()
                try? await Task.sleep(for: catchUpInterval)
            }
        }
    }

    /// Mails the learner of every review not mailed yet; returns how many messages went out.
    @discardableResult
    func sendReviews(now: Date = Date()) async -> Int {
        let checkpoints = self.checkpoints
        let mailer = self
        return await reviews.drain(now: now) { event in
            guard let id = event.subjectID, let item = try await checkpoints.item(id: id) else { return nil }
            let message = mailer.reviewNotice(item)
            return Notice(recipient: item.learnerEmail, kind: "checkpoint-review", subject: message.subject, body: message.body)
        }
    }

    /// Once a day from `digestHour`, mails each instructor the submissions waiting in the courses they teach.
    @discardableResult
    func sendDigestsIfDue(now: Date = Date()) async -> Int {
        // Days are counted from the digest hour, so "a new day" begins at that hour.
        let day = Int64(((now.timeIntervalSince1970 - Double(digestHour) * 3600) / 86_400).rounded(.down))
        do {
            let last = try await events.position(Self.digestCursor)
            // The very first start only notes the day: the first digest goes out at the next digest hour, not at start-up.
            guard day > last, try await events.advance(Self.digestCursor, from: last, to: day), last > 0 else { return 0 }
            var sent = 0
            for digest in try await checkpoints.digests() {
                do {
                    let message = digestMessage(digest)
                    let notice = Notice(recipient: digest.instructorEmail, kind: "review-digest", subject: message.subject, body: message.body)
                    if try await reviews.send(notice, limit: 1, window: Self.digestWindow, now: now) {
                        sent += 1
                    }
                } catch {
                    // One instructor's failure does not cost the others their digest; tomorrow's lists what still waits.
                    logger.error("could not send the review digest to an instructor: \(error)")
                }
            }
            if sent > 0 { logger.info("sent the review digest to \(sent) instructor\(sent == 1 ? "" : "s")") }
            return sent
        } catch is CancellationError {
            return 0
        } catch {
            logger.error("could not send the review digest: \(error)")
            return 0
        }
    }

    func reviewNotice(_ item: ReviewItem) -> (subject: String, body: String) {
        let submission = item.submission
        let reviewer = submission.reviewerName ?? "An instructor"
        let url = "\(baseURL)/courses/\(item.courseSlug)/lessons/\(item.lessonSlug)"
        let feedback = submission.feedback.map { $0.isEmpty ? "" : "\nTheir feedback:\n\n\($0)\n" } ?? ""
        switch submission.status {
        case .approved:
            return (
                "Your checkpoint “\(item.lessonTitle)” was approved",
                """
                Hello \(item.learnerName),

                \(reviewer) approved version \(submission.version) of your work for “\(item.lessonTitle)” in \(item.courseTitle).
                \(feedback)
                The checkpoint is complete: \(url)

                \(siteName)
                """
            )
        case .returned, .submitted:
            return (
                "Your checkpoint “\(item.lessonTitle)” was returned with feedback",
                """
                Hello \(item.learnerName),

                \(reviewer) returned version \(submission.version) of your work for “\(item.lessonTitle)” in \(item.courseTitle).
                \(feedback)
                Revise it and send it again from the checkpoint's page: \(url)

                \(siteName)
                """
            )
        }
    }

    func digestMessage(_ digest: ReviewDigest) -> (subject: String, body: String) {
        let count = digest.waiting.count
        let lines = digest.waiting.map { "- \($0.learnerName): \($0.lessonTitle) (\($0.courseTitle)), waiting since \(dates.long($0.submittedAt))" }
        return (
            "\(count) checkpoint submission\(count == 1 ? " waits" : "s wait") for your review",
            """
            Hello \(digest.instructorName),

            \(count == 1 ? "This submission waits" : "These submissions wait") for your review, oldest first:

            \(lines.joined(separator: "\n"))

            Review them at \(baseURL)/review (or with `lectern review list`).

            \(siteName)
            """
        )
    }
}
