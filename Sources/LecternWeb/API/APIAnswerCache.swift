import Foundation
import Hummingbird

/// Encoded API answers (REST reads, GraphQL queries), kept under the page cache's freshness rules (`PageCache.isFresh`):
/// an answer is used only while nothing was written since it was made (other processes' writes reach this one within
/// 250 ms) and while younger than the page cache's lifetime. JSON encoding and a query's execution cost far more than
/// the reads behind them, and programs ask the same things again and again. Answers that depend on the caller are
/// keyed by the caller; a write never reads from here.
final class APIAnswerCache: @unchecked Sendable {
    struct Answer: Sendable {
        var body: ByteBuffer
        var etag: String
    }

    private struct Entry {
        var answer: Answer
        var generation: Int
        var made: ContinuousClock.Instant
    }

    let pages: PageCache
    /// Beyond this many answers the cache starts afresh: a bound on memory whatever the number of callers.
    let capacity: Int
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    init(pages: PageCache, capacity: Int = 4096) {
        self.pages = pages
        self.capacity = capacity
    }

    /// When an answer is made: taken before reading, so a write while it is made leaves it stale.
    struct Stamp {
        fileprivate var generation: Int
        fileprivate var made: ContinuousClock.Instant
    }

    /// The answer for `key`, from memory when fresh, else made by `make` (nil: nothing to keep, such as a refusal).
    func answer(_ key: String, make: () async throws -> Answer?) async throws -> Answer? {
        if let kept = kept(key) { return kept }
        let stamp = self.stamp()
        guard let answer = try await make() else { return nil }
        keep(answer, as: key, stamp: stamp)
        return answer
    }

    /// The fresh answer kept for `key`, if any.
    func kept(_ key: String) -> Answer? {
        guard pages.lifetime > .zero, let entry = lock.withLock({ entries[key] }), pages.isFresh(generation: entry.generation, read: entry.made) else {
            return nil
        }
        return entry.answer
    }

    func stamp() -> Stamp {
        Stamp(generation: pages.generation(), made: pages.now())
    }

    /// Keeps `answer` for `key`, as of `stamp`.
    func keep(_ answer: Answer, as key: String, stamp: Stamp) {
        guard pages.lifetime > .zero else { return }
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(answer: answer, generation: stamp.generation, made: stamp.made)
        }
    }
}
