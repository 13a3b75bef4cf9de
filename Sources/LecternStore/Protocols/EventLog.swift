import Foundation
import LecternCore

/// The event log and the cursors of the notifiers that read it.
public protocol EventLog: Sendable {
    /// Appends an event on its own (the notifiers put back what they could not deliver).
    func append(_ kind: EventKind, userID: Int64?, subjectID: Int64?, courseID: Int64?, now: Date) async throws

    /// Every event after `id`, oldest first, up to `limit` (for readers that want them all, such as tests and, later,
    /// live connections catching up).
    func events(after id: Int64, limit: Int) async throws -> [StoredEvent]

    /// The id of the newest event (0 before the first).
    func newestID() async throws -> Int64

    /// Deletes events older than `retention` that every cursor has passed (a notifier that was down still finds its
    /// events), never the newest: ids are not AUTOINCREMENT, and the next event must not take one a reader has passed.
    /// Returns how many went.
    @discardableResult
    func prune(retention: TimeInterval, now: Date) async throws -> Int

    /// Calls `action` after each transaction of this process that appended events, for as long as the returned
    /// observation is kept (other processes' events are found by reading `newestID`).
    func observeAppends(_ action: @escaping @Sendable () -> Void) -> EventObservation

    /// The cursor's position and up to `limit` events of `kinds` after it, oldest first.
    func events(after cursor: String, kinds: [EventKind], limit: Int) async throws -> (position: Int64, events: [StoredEvent])

    /// Moves `cursor` from `from` to `to` and returns true, or returns false when another reader moved it first:
    /// whoever advances a cursor is the one who acts on what it passed.
    func advance(_ cursor: String, from: Int64, to: Int64) async throws -> Bool

    /// A cursor's position (0 before its first use).
    func position(_ cursor: String) async throws -> Int64
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension EventLog {
    public func append(_ kind: EventKind, userID: Int64?, subjectID: Int64?, courseID: Int64? = nil, now: Date = Date()) async throws {
        try await self.append(kind, userID: userID, subjectID: subjectID, courseID: courseID, now: now)
    }

    public func events(after id: Int64, limit: Int = 100) async throws -> [StoredEvent] {
        try await self.events(after: id, limit: limit)
    }

    @discardableResult
    public func prune(retention: TimeInterval, now: Date = Date()) async throws -> Int {
        try await self.prune(retention: retention, now: now)
    }

    public func events(after cursor: String, kinds: [EventKind], limit: Int = 100) async throws -> (position: Int64, events: [StoredEvent]) {
        try await self.events(after: cursor, kinds: kinds, limit: limit)
    }
}
