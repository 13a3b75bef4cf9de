import Foundation
import LecternStore
import Logging

/// A message to one person.
struct Notice: Sendable {
    var recipient: String
    /// The ledger's name for this kind of message, counted per recipient.
    var kind: String
    var subject: String
    var body: String
}

/// Mails notices from the event log (events stored first): reads past its cursor, claims each batch by advancing the
/// cursor with a compare-and-set (of several instances only the one that moves it sends), sends within the ledger's
/// limits, and puts a notice that failed back on the log to be retried. Only verified addresses are mailed: until an
/// owner proves the address, the site sends it nothing but account mail.
struct EventMailer: Sendable {
    let cursor: String
    let kinds: [EventKind]
    /// Notices of this kind one address may receive an hour.
    let perHour: Int
    let events: EventLog
    let mail: any MailTransport
    let ledger: MailLedger
    let verifications: EmailVerificationStore
    let logger: Logger
    static let attemptLimit = 5
    /// Failed attempts per event subject, in this process: enough to stop retrying a message that never goes.
    let failures = FailureCounts()

    /// Mails every notice not mailed yet; `message` builds it from its event (nil: nothing to tell). Returns how many went out.
    @discardableResult
    func drain(now: Date = Date(), message: @Sendable (StoredEvent) async throws -> Notice?) async -> Int {
        var sent = 0
        while true {
            let pending: [StoredEvent]
            do {
                let (position, batch) = try await events.events(after: cursor, kinds: kinds, limit: 50)
                guard let last = batch.last else { return sent }
                guard try await events.advance(cursor, from: position, to: last.id) else { continue }
                pending = batch
            } catch {
                if !(error is CancellationError) { logger.error("could not read the event log for '\(cursor)' mail: \(error)") }
                return sent
            }
            for event in pending {
                do {
                    guard let notice = try await message(event) else { continue }
                    if try await send(notice, limit: perHour, window: 3600, now: now) { sent += 1 }
                } catch {
                    await retryLater(event, after: error)
                }
            }
        }
    }

    /// Sends within the notice's own allowance and the address's hourly allowance of all mail (the counter account
    /// mail uses too); false when either is spent or the address is not verified.
    func send(_ notice: Notice, limit: Int, window: TimeInterval, now: Date) async throws -> Bool {
        guard try await verifications.isVerified(email: notice.recipient) else {
            logger.info("not sending '\(notice.kind)' mail: the address is not verified")
            return false
        }
        let counters = [(name: notice.kind, limit: limit), AccountLimits.allMail]
        guard try await ledger.claim(recipient: notice.recipient, counters: counters, window: window, now: now) else {
            logger.notice("not sending '\(notice.kind)' mail: that address has had its allowance")
            return false
        }
        try await mail.send(to: notice.recipient, subject: notice.subject, body: notice.body)
        return true
    }

    /// A notice that could not be sent (the transport failed, or the server is stopping) goes back on the log as a new
    /// event, so this or another instance sends it later; after `attemptLimit` tries it is given up, loudly.
    private func retryLater(_ event: StoredEvent, after error: any Error) async {
        let what = "\(event.kind) \(event.subjectID ?? 0) for user \(event.userID ?? 0)"
        let attempt = failures.record(what)
        guard attempt < Self.attemptLimit, let kind = EventKind(rawValue: event.kind) else {
            logger.error("gave up mailing \(what) after \(attempt) attempts: \(error)")
            return
        }
        if !(error is CancellationError) { logger.warning("could not mail \(what), will retry: \(error)") }
        do {
            try await events.append(kind, userID: event.userID, subjectID: event.subjectID)
        } catch {
            logger.error("could not queue \(what) again: \(error)")
        }
    }
}

/// Counts failures per key across concurrent passes of a mailer.
final class FailureCounts: @unchecked Sendable {
    // The same lock the page cache uses; `counts` is only touched under it.
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    /// Records one more failure for `key` and returns how many there have been.
    func record(_ key: String) -> Int {
        lock.withLock {
            counts[key, default: 0] += 1
            return counts[key] ?? 0
        }
    }
}
