import LecternStore
import Logging
import ServiceLifecycle

/// Counts post views in memory and writes them in one transaction per interval, so a busy post costs one
/// UPDATE a second instead of one per view. A crash loses at most one interval of counts; a clean
/// shutdown writes everything.
actor ViewCounter: Service {
    private let store: PostStore
    private let interval: Duration
    private let logger: Logger
    private var pending: [String: Int] = [:]

    init(store: PostStore, interval: Duration, logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    /// Counts one view and returns the views of `slug` not yet written, to add to the stored count when showing it.
    func record(_ slug: String) -> Int {
        pending[slug, default: 0] += 1
        return pending[slug, default: 0]
    }

    /// Writes the pending counts; on failure (a full disk, say) they are kept for the next try.
    func flush() async {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = [:]
        do {
            try await store.addViews(batch)
        } catch {
            for (slug, count) in batch { pending[slug, default: 0] += count }
            logger.warning("could not save post view counts, will retry: \(error)")
        }
    }

    nonisolated func run() async throws {
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
