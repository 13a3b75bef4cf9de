import Foundation
import Hummingbird
import LecternStore

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
        /// For a caller's own answer: any write since makes it stale (a review, a name change, a lesson completed).
        var writes: Int?
        var made: ContinuousClock.Instant
    }

    let pages: PageCache
    /// Beyond this many answers, or this many bytes, the cache starts afresh: a bound on memory whatever the callers ask.
    let capacity: Int
    let budget: Int
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private var bytes = 0

    init(pages: PageCache, capacity: Int = 4096, budget: Int = 16 * 1024 * 1024) {
        self.pages = pages
        self.capacity = capacity
        self.budget = budget
    }

    /// When an answer is made: taken before reading, so a write while it is made leaves it stale.
    struct Stamp {
        fileprivate var generation: Int
        /// Any write at all, public or not: an answer may hold the caller's own progress or name.
        fileprivate var writes: Int
        fileprivate var made: ContinuousClock.Instant
    }

    /// The answer for `key`, from memory when fresh, else made by `make` (nil: nothing to keep, such as a refusal).
    /// `personal`: the answer holds the caller's own state, which writes to no public page may change.
    func answer(_ key: String, personal: Bool, make: () async throws -> Answer?) async throws -> Answer? {
        if let kept = kept(key) { return kept }
        let stamp = self.stamp()
        guard let answer = try await make() else { return nil }
        keep(answer, as: key, stamp: stamp, personal: personal)
        return answer
    }

    /// The fresh answer kept for `key`, if any.
    func kept(_ key: String) -> Answer? {
        guard pages.lifetime > .zero, let entry = lock.withLock({ entries[key] }), entry.writes.map({ $0 == WriteGeneration.everyWrite.current }) ?? true,
            pages.isFresh(generation: entry.generation, read: entry.made)
        else {
            return nil
        }
        return entry.answer
    }

    func stamp() -> Stamp {
        Stamp(generation: pages.generation(), writes: WriteGeneration.everyWrite.current, made: pages.now())
    }

    /// Keeps `answer` for `key`, as of `stamp`.
    func keep(_ answer: Answer, as key: String, stamp: Stamp, personal: Bool) {
        guard pages.lifetime > .zero else { return }
        let size = answer.body.readableBytes + key.utf8.count
        guard size <= budget / 16 else { return }  // a huge answer is made again rather than crowd out the rest
        lock.withLock {
            if entries.count >= capacity || bytes + size > budget {
                entries.removeAll(keepingCapacity: true)
                bytes = 0
            }
            if let old = entries[key] { bytes -= old.answer.body.readableBytes + key.utf8.count }
            entries[key] = Entry(answer: answer, generation: stamp.generation, writes: personal ? stamp.writes : nil, made: stamp.made)
            bytes += size
        }
    }
}
