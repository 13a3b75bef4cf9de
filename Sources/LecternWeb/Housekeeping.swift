import Foundation
import LecternStore
import Logging
import ServiceLifecycle

/// Deletes what has outlived its use, at start and then hourly: expired sessions, expired reset links and address
/// changes, the mail-limit ledger and rate-limit marks past a day, outbox messages past the operator's retention, and events past theirs
/// that every notifier has read.
struct Housekeeping: Service {
    let sessions: SessionStore
    let resets: PasswordResetStore
    let ledger: MailLedger
    let rates: RateLedger
    /// Nil when mail goes to a sendmail command and the outbox is not written.
    let outbox: OutboxStore?
    let outboxRetention: TimeInterval
    let events: EventLog
    let eventRetention: TimeInterval
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sweep()
                try? await Task.sleep(for: .seconds(3600))
            }
        }
    }

    /// One pass; each step is independent, so a failing one (a full disk) does not stop the others.
    func sweep(now: Date = Date()) async {
        await step("expired sessions") { try await sessions.prune(now: now) }
        await step("expired reset links, address changes and verification links") { try await resets.prune(now: now) }
        await step("mail-limit entries") { try await ledger.prune(olderThan: 86_400, now: now) }
        // The longest window of any limit is an hour; a day keeps room for a longer one.
        await step("rate-limit marks") { try await rates.prune(olderThan: 86_400, now: now) }
        if let outbox { await step("outbox messages older than the retention") { try await outbox.prune(olderThan: outboxRetention, now: now) } }
        await step("events older than the retention") { try await events.prune(retention: eventRetention, now: now) }
    }

    private func step(_ what: String, _ prune: () async throws -> Int) async {
        // Shutting down: the next start sweeps again, and a cancelled write says nothing of the disk.
        guard !Task.isCancelled else { return }
        do {
            let removed = try await prune()
            if removed > 0 { logger.debug("removed \(removed) \(what)") }
        } catch is CancellationError {
            return
        } catch {
            logger.warning("could not remove \(what): \(error)")
        }
    }
}
