import Synchronization

/// Writes of one kind asked for while an earlier one with the same key is being made wait, and then go together in the
/// next: one statement, one turn at the locks it holds until its commit, for all of them (group commit, in the app).
/// A write asked for when none with its key is under way starts at once: nobody waits for a timer.
///
/// Why: a new place on PostgreSQL holds the course's row lock and the event log's lock until its commit is flushed.
/// One place per statement, 64 learners at once on two cores spent more time handing those locks from one waiting
/// backend to the next (each must be woken and scheduled) than writing: 880 places a second against SQLite's 3,300.
final class WriteBatches<Key: Hashable & Sendable, Item: Sendable, Outcome: Sendable>: Sendable {
    private enum Turn: Sendable {
        /// The batch this write went in is written: its outcome.
        case done(Result<Outcome, any Error>)
        /// This write leads the next batch, with those queued behind it.
        case lead([Waiter])
    }

    private struct Waiter: Sendable {
        let item: Item
        let continuation: CheckedContinuation<Turn, Never>
    }

    /// For each key with a batch under way, the writes queued for the next one.
    private let queues = Mutex<[Key: [Waiter]]>([:])
    /// The most writes one batch takes (one statement's arrays); the rest wait for the following batch.
    let maximum: Int

    init(maximum: Int) {
        precondition(maximum >= 1)
        self.maximum = maximum
    }

    /// Writes queued now for `key`, behind the batch under way (for tests).
    func queued(_ key: Key) -> Int {
        queues.withLock { $0[key]?.count ?? 0 }
    }

    /// Writes `item`, alone or with others of the same key, and returns its outcome. `write` receives the items of a
    /// batch in the order they were asked for and returns one outcome for each, in that order; whichever caller leads
    /// a batch runs its own `write`, so every caller's `write` must do the same for the same items. An error thrown by
    /// `write` is every item's of that batch.
    func submit(_ item: Item, key: Key, write: ([Item]) async throws -> [Outcome]) async throws -> Outcome {
        let turn: Turn = await withCheckedContinuation { continuation in
            let leads = queues.withLock { queues -> Bool in
                guard queues[key] != nil else {
                    queues[key] = []
                    return true
                }
                queues[key]!.append(Waiter(item: item, continuation: continuation))
                return false
            }
            if leads { continuation.resume(returning: .lead([])) }
        }
        switch turn {
        case .done(let outcome):
            return try outcome.get()
        case .lead(let followers):
            let outcomes: Result<[Outcome], any Error>
            do {
                let written = try await write([item] + followers.map(\.item))
                precondition(written.count == followers.count + 1, "a batch's write returns one outcome for each item")
                outcomes = .success(written)
            } catch {
                outcomes = .failure(error)
            }
            // The next batch starts before this one's outcomes are handed out: its writes have waited long enough.
            let next = queues.withLock { queues -> [Waiter] in
                let waiting = queues[key] ?? []
                guard !waiting.isEmpty else {
                    queues[key] = nil
                    return []
                }
                queues[key] = Array(waiting.dropFirst(maximum))
                return Array(waiting.prefix(maximum))
            }
            if let leader = next.first { leader.continuation.resume(returning: .lead(Array(next.dropFirst()))) }
            for (index, follower) in followers.enumerated() {
                follower.continuation.resume(returning: .done(outcomes.map { $0[index + 1] }))
            }
            return try outcomes.get()[0]
        }
    }
}
