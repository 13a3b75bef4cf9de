import Foundation
import LecternStore
import Logging
import ServiceLifecycle

/// Counts post views in memory and writes them in one transaction per interval, so a busy post costs one
/// UPDATE a second instead of one per view. A crash loses at most one interval of counts; a clean
/// shutdown writes everything.
///
/// A lock rather than an actor: counting is a few additions on every post view, cheaper than a hop to an actor.
final class ViewCounter: Service, @unchecked Sendable {
    private let store: PostStore
    private let interval: Duration
    private let logger: Logger
    private let lock = NSLock()
    private var pending: [String: Int] = [:]
    /// Every view counted since start, written or not: lets a cached page add the views since it was rendered.
    private var counted: [String: Int] = [:]
    /// Odd while a batch is being written. A reader of the stored count that sees it unchanged and even before and
    /// after its read knows the stored count and the pending count describe the same moment.
    private var flushes = 0
    /// Readers waiting for a write of counts to end (see `consistently`).
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// Whether the last write of counts failed, so an outage is logged when it starts and ends, not every interval.
    private var failing = false

    init(store: PostStore, interval: Duration, logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    /// Counts one view. Returns the views of `slug` not yet written (to add to the stored count when showing it),
    /// and all the views counted since start.
    func record(_ slug: String) -> (pending: Int, counted: Int) {
        lock.withLock {
            pending[slug, default: 0] += 1
            counted[slug, default: 0] += 1
            return (pending[slug, default: 0], counted[slug, default: 0])
        }
    }

    /// The views of `slug` not yet written, all views counted since start, and the flush state, read together.
    func snapshot(_ slug: String) -> (pending: Int, counted: Int, flushes: Int) {
        lock.withLock { (pending[slug, default: 0], counted[slug, default: 0], flushes) }
    }

    /// Runs `read` (a read of `slug`'s stored count) so that it and the counts returned describe one moment: a read
    /// that overlapped a write of counts is repeated, and one that would start during a write waits for its end.
    func consistently<T>(_ slug: String, _ read: () async throws -> T) async throws -> (T, pending: Int, counted: Int) {
        while true {
            let before = snapshot(slug)
            guard before.flushes % 2 == 0 else {
                await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                    // The write may have ended since the snapshot: then read again at once.
                    let waiting = lock.withLock {
                        guard flushes == before.flushes else { return false }
                        waiters.append(waiter)
                        return true
                    }
                    if !waiting { waiter.resume() }
                }
                continue
            }
            let value = try await read()
            if snapshot(slug).flushes == before.flushes { return (value, before.pending, before.counted) }
        }
    }

    /// Writes the pending counts; on failure (a full disk, say) they are kept for the next try.
    func flush() async {
        let batch: [String: Int] = lock.withLock {
            let batch = pending
            guard !batch.isEmpty else { return batch }
            pending = [:]
            flushes += 1
            return batch
        }
        guard !batch.isEmpty else { return }
        var failure: (any Error)?
        do {
            try await store.addViews(batch)
        } catch {
            failure = error
        }
        // Cancelled by a shutdown in the middle of a write: the final flush retries, and it says nothing of the disk.
        let cancelled = failure is CancellationError
        let (wasFailing, readers) = lock.withLock {
            if failure != nil { for (slug, count) in batch { pending[slug, default: 0] += count } }
            flushes += 1
            let was = failing
            if !cancelled { failing = failure != nil }
            defer { waiters = [] }
            return (was, waiters)
        }
        for reader in readers { reader.resume() }
        // Once per outage, not once a second: a full disk can last hours.
        if let failure, !cancelled, !wasFailing {
            logger.warning("could not save post view counts; keeping them in memory and retrying every \(interval): \(failure)")
        } else if failure == nil, wasFailing {
            logger.notice("post view counts are being saved again")
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while true {
                do {
                    try await Task.sleep(for: self.interval)
                } catch {
                    return  // shutting down: the final flush below writes what is pending
                }
                await self.flush()
            }
        }
        await flush()
    }
}
