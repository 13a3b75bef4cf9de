import Synchronization

/// What signed-in pages read on every request (the session, a learner's place in a course, the dashboard), kept in
/// memory while nothing was written since. On SQLite those reads cost microseconds in-process; on PostgreSQL each is a
/// round trip and a query plan, and a page made of five of them ran at a fifth of SQLite's speed.
///
/// A kept read is used only while all of these hold: no write committed since, by this process (its writes forget
/// everything when they end, whichever database object made them) or by any other (every write announces itself with `NOTIFY`, and the change listener
/// forgets everything when it hears one); the change listener is connected and listening (while it is not, nothing
/// is kept or used, so a missed announcement cannot leave anything stale); and the read is younger than `lifetime`,
/// which bounds what a change made outside Lectern (psql) can hide.
final class RecentReads: Sendable {
    private struct Entry {
        var generation: Int
        var writes: Int
        var made: ContinuousClock.Instant
        var value: any Sendable
    }

    private struct State {
        var generation = 0
        var listening = false
        var entries: [String: Entry] = [:]
        /// The generation the entries were kept in: the first read kept in a newer one drops the older ones.
        var entriesGeneration = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    /// The stamp of a read in progress: taken before reading, so a write committed meanwhile makes the read unusable.
    struct Stamp {
        fileprivate var generation: Int
        fileprivate var writes: Int
        fileprivate var made: ContinuousClock.Instant
    }

    let lifetime: Duration
    /// Past this many reads, everything is forgotten: a bound on memory whatever the number of sessions.
    let capacity: Int
    private let now: @Sendable () -> ContinuousClock.Instant
    /// This process's writes to any database (`WriteGeneration.everyWrite`): another database object of the same
    /// process (a test's own, a command run in-process) writing is seen at once, without waiting for its announcement.
    private let processWrites: @Sendable () -> Int
    private let state = Mutex(State())

    init(
        lifetime: Duration = .seconds(1), capacity: Int = 10_000, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        processWrites: @escaping @Sendable () -> Int = { WriteGeneration.everyWrite.current }
    ) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.now = now
        self.processWrites = processWrites
    }

    /// The value kept for `key`, when still usable.
    func kept<T: Sendable>(_ key: String, as type: T.Type = T.self) -> T? {
        let instant = now()
        let writes = processWrites()
        return state.withLock { state -> T? in
            guard state.listening, let entry = state.entries[key], entry.generation == state.generation, entry.writes == writes,
                instant - entry.made < lifetime
            else {
                return nil
            }
            return entry.value as? T
        }
    }

    /// A stamp for a read about to start, or nil when nothing may be kept now (the listener is not listening).
    func stamp() -> Stamp? {
        let instant = now()
        let writes = processWrites()
        return state.withLock { state in state.listening ? Stamp(generation: state.generation, writes: writes, made: instant) : nil }
    }

    /// Keeps `value`, read under `stamp`, unless something was written since the stamp was taken.
    func keep(_ value: some Sendable, as key: String, stamp: Stamp) {
        let writes = processWrites()
        state.withLock { state in
            guard state.listening, stamp.generation == state.generation, stamp.writes == writes else { return }
            // Entries of an older generation are never used again: they go as soon as a newer one is kept, so memory
            // holds only what was read since the last write (and at most `capacity` of it).
            if state.entriesGeneration != stamp.generation || state.entries.count >= capacity {
                state.entries.removeAll(keepingCapacity: true)
                state.entriesGeneration = stamp.generation
            }
            state.entries[key] = Entry(generation: stamp.generation, writes: stamp.writes, made: stamp.made, value: value)
        }
    }

    /// Something was written (here or elsewhere): nothing kept so far may be used.
    func forgetAll() {
        // O(1) under the lock, as every write calls it: old entries are never used again, and are replaced or dropped at capacity.
        let waiting = state.withLock { state in
            state.generation &+= 1
            defer { state.waiting = [] }
            return state.waiting
        }
        for waiter in waiting { waiter.resume() }
    }

    /// How many times everything was forgotten so far.
    var generation: Int { state.withLock { $0.generation } }

    /// Returns once everything was forgotten since `generation` (for tests that await another instance's announcement).
    func forgotten(since generation: Int) async {
        await withCheckedContinuation { waiter in
            let now = state.withLock { state -> Bool in
                guard state.generation == generation else { return true }
                state.waiting.append(waiter)
                return false
            }
            if now { waiter.resume() }
        }
    }

    /// The change listener is listening (true), or lost its connection (false): either way, what was kept may have
    /// missed an announcement.
    func setListening(_ listening: Bool) {
        let waiting = state.withLock { state in
            state.listening = listening
            state.generation &+= 1
            state.entries.removeAll(keepingCapacity: true)
            defer { state.waiting = [] }
            return state.waiting
        }
        for waiter in waiting { waiter.resume() }
    }

    /// The number of reads kept (for tests).
    var count: Int { state.withLock { $0.entries.count } }
}
