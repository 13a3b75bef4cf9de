import Foundation
import LecternStore
import Logging
import ServiceLifecycle

/// Tells learners when an instructor reviewed their checkpoint, and each instructor once a day what waits for them.
/// It reads the event log (reviews from the web and the CLI alike are stored first), so a review made while the
/// server was down is still mailed when it starts, and of several instances only the one that advances the cursor sends.
struct ReviewMailer: Service {
    let events: EventLog
    let checkpoints: CheckpointStore
    let mail: any MailTransport
    let ledger: MailLedger
    let siteName: String
    let baseURL: String
    let dates: DateText
    /// The hour of the day (UTC) from which the day's digest goes out.
    let digestHour: Int
    let logger: Logger

    static let reviewCursor = "review-mail"
    static let digestCursor = "review-digest"
    /// Per recipient: review notices an hour, and one digest in any 20 hours (the ledger's limits, shared by every instance).
    static let reviewsPerHour = 30
    static let digestWindow: TimeInterval = 20 * 3600
    static let attemptLimit = 5
    /// Failed attempts per submission, in this process: enough to stop retrying a message that never goes.
    let failures = FailureCounts()

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sendReviews()
                await sendDigestsIfDue()
                try? await Task.sleep(for: .seconds(30))
            }
        }
    }

    /// Mails the learner of every review not mailed yet; returns how many messages went out.
    @discardableResult
    func sendReviews(now: Date = Date()) async -> Int {
        var sent = 0
        while true {
            let pending: [StoredEvent]
            do {
                let (position, batch) = try await events.events(after: Self.reviewCursor, kinds: [.checkpointReviewed], limit: 50)
                guard let last = batch.last else { return sent }
                // Claim the batch first: several instances may read the log, and only the one that moves the cursor sends.
                guard try await events.advance(Self.reviewCursor, from: position, to: last.id) else { continue }
                pending = batch
            } catch {
                if !(error is CancellationError) { logger.error("could not read the event log for review mail: \(error)") }
                return sent
            }
            for event in pending {
                do {
                    guard let id = event.subjectID, let item = try await checkpoints.item(id: id) else { continue }
                    if try await send(reviewNotice(item), to: item.learnerEmail, kind: "checkpoint-review", limit: Self.reviewsPerHour, window: 3600, now: now) {
                        sent += 1
                    }
                } catch {
                    await retryLater(event, after: error)
                }
            }
        }
    }

    /// A notice that could not be sent (the transport failed, or the server is stopping) goes back on the log as a new
    /// event, so this or another instance sends it later; after `attemptLimit` tries it is given up, loudly.
    private func retryLater(_ event: StoredEvent, after error: any Error) async {
        let attempt = failures.record(event.subjectID ?? 0)
        guard attempt < Self.attemptLimit else {
            logger.error("gave up mailing the review of submission \(event.subjectID ?? 0) after \(attempt) attempts: \(error)")
            return
        }
        if !(error is CancellationError) { logger.warning("could not mail the review of submission \(event.subjectID ?? 0), will retry: \(error)") }
        do {
            try await events.append(.checkpointReviewed, userID: event.userID, subjectID: event.subjectID)
        } catch {
            logger.error("could not queue the review of submission \(event.subjectID ?? 0) again: \(error)")
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
                    if try await send(
                        digestMessage(digest), to: digest.instructorEmail, kind: "review-digest", limit: 1, window: Self.digestWindow, now: now)
                    {
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

    private func send(
        _ message: (subject: String, body: String), to recipient: String, kind: String, limit: Int, window: TimeInterval, now: Date
    ) async throws -> Bool {
        // Its own allowance, and the address's hourly allowance of all mail (the same counter account mail uses).
        let counters = [(name: kind, limit: limit), AccountLimits.allMail]
        guard try await ledger.claim(recipient: recipient, counters: counters, window: window, now: now) else {
            logger.notice("not sending '\(kind)' mail: that address has had its allowance")
            return false
        }
        try await mail.send(to: recipient, subject: message.subject, body: message.body)
        return true
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

/// Counts failures per key across concurrent passes of the mailer.
final class FailureCounts: @unchecked Sendable {
    // The same lock the page cache uses; `counts` is only touched under it.
    private let lock = NSLock()
    private var counts: [Int64: Int] = [:]

    /// Records one more failure for `key` and returns how many there have been.
    func record(_ key: Int64) -> Int {
        lock.withLock {
            counts[key, default: 0] += 1
            return counts[key] ?? 0
        }
    }
}
