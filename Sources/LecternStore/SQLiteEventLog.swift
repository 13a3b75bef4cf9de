import Foundation
import GRDB

/// What happened that someone should hear about. Appended in the transaction of the change itself (events stored
/// first), so a notifier that was down, or another instance, catches up without loss.
/// Each names the learner it concerns (`userID`, none for a course's own changes) and its course (`courseID`).
public enum EventKind: String, Sendable, CaseIterable {
    /// A learner took a place on a course, any way (enrolling, a code, an approval, the waitlist, an operator).
    case enrolled = "enrolment.created"
    /// A learner left a course, or an operator removed them.
    case left = "enrolment.ended"
    /// The course's seats changed without anyone enrolling or leaving (an operator set the capacity).
    case seatsChanged = "course.seats-changed"
    /// An operator opened or closed enrolment, or gave the decision back to the course's dates.
    case enrolmentSwitched = "course.enrolment-switched"
    /// A freed seat went to the first learner waiting; `subjectID` is the course.
    case waitlistPromoted = "waitlist.promoted"
    /// A learner asked for a place on a course that approves its learners (the request holds a seat); `subjectID` is
    /// the request.
    case requested = "request.created"
    /// A learner withdrew a pending request (its seat is free again); `subjectID` is the request.
    case requestWithdrawn = "request.withdrawn"
    /// A request for a place was approved or declined; `subjectID` is the request.
    case requestDecided = "request.decided"
    /// A learner completed a lesson; `subjectID` is the lesson.
    case lessonCompleted = "lesson.completed"
    /// A learner passed a knowledge check; `subjectID` is the attempt.
    case quizPassed = "quiz.passed"
    /// A learner sent work to a checkpoint; `subjectID` is the submission.
    case checkpointSubmitted = "checkpoint.submitted"
    /// An instructor approved or returned a checkpoint submission; `subjectID` is the submission.
    case checkpointReviewed = "checkpoint.reviewed"
    /// A certificate was issued (or reissued); `subjectID` is the certificate.
    case certificateIssued = "certificate.issued"
    /// A certificate was revoked; `subjectID` is the certificate.
    case certificateRevoked = "certificate.revoked"
}

/// One stored event.
public struct StoredEvent: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var userID: Int64?
    public var subjectID: Int64?
    public var courseID: Int64?
    public var createdAt: Date
}

/// `EventLog` in SQLite, through GRDB.
public struct SQLiteEventLog: EventLog {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    /// Appends an event on its own (the notifiers put back what they could not deliver).
    public func append(_ kind: EventKind, userID: Int64?, subjectID: Int64?, courseID: Int64? = nil, now: Date = Date()) async throws {
        try await database.write(changesPublicPages: false) { db in
            try Self.append(db, kind, userID: userID, subjectID: subjectID, courseID: courseID, now: now)
        }
    }

    /// Appends an event inside the transaction of the change it tells of: both are kept, or neither.
    static func append(_ db: Database, _ kind: EventKind, userID: Int64?, subjectID: Int64?, courseID: Int64?, now: Date) throws {
        try db.execute(
            sql: "INSERT INTO event (kind, user_id, subject_id, course_id, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [kind.rawValue, userID, subjectID, courseID, now])
        if let userID {
            try SQLiteNotificationStore.record(db, eventID: db.lastInsertedRowID, kind, userID: userID, subjectID: subjectID, courseID: courseID, now: now)
        }
    }

    /// Every event after `id`, oldest first, up to `limit` (for readers that want them all, such as tests and, later,
    /// live connections catching up).
    public func events(after id: Int64, limit: Int = 100) async throws -> [StoredEvent] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM event WHERE id > ? ORDER BY id LIMIT ?", arguments: [id, limit]).map(Self.event)
        }
    }

    /// The id of the newest event (0 before the first).
    public func newestID() async throws -> Int64 {
        try await database.pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM event") ?? 0 }
    }

    /// Deletes events older than `retention` that every cursor has passed (a notifier that was down still finds its
    /// events), never the newest: ids are not AUTOINCREMENT, and the next event must not take one a reader has passed.
    /// Returns how many went.
    @discardableResult
    public func prune(retention: TimeInterval, now: Date = Date()) async throws -> Int {
        try await database.write(changesPublicPages: false) { db in
            let passed = try Int64.fetchOne(db, sql: "SELECT MIN(position) FROM event_cursor") ?? Int64.max
            try db.execute(
                sql: "DELETE FROM event WHERE created_at < ? AND id <= ? AND id < (SELECT MAX(id) FROM event)",
                arguments: [now.addingTimeInterval(-retention), passed])
            return db.changesCount
        }
    }

    /// Calls `action` after each transaction of this process that appended events, for as long as the returned
    /// observation is kept (other processes' events are found by reading `newestID`).
    public func observeAppends(_ action: @escaping @Sendable () -> Void) -> EventObservation {
        let observation = DatabaseRegionObservation(tracking: Table("event"))
        let cancellable = observation.start(in: database.pool, onError: { _ in }, onChange: { _ in action() })
        return EventObservation { cancellable.cancel() }
    }

    static func event(_ row: Row) -> StoredEvent {
        StoredEvent(
            id: row["id"], kind: row["kind"], userID: row["user_id"], subjectID: row["subject_id"], courseID: row["course_id"],
            createdAt: row["created_at"])
    }

    /// The cursor's position and up to `limit` events of `kinds` after it, oldest first.
    public func events(after cursor: String, kinds: [EventKind], limit: Int = 100) async throws -> (position: Int64, events: [StoredEvent]) {
        try await database.pool.read { db in
            let position = try Self.position(db, cursor)
            let events = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM event WHERE id > ? AND kind IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?
                    """, arguments: [position, JSONColumn.encode(kinds.map(\.rawValue)), limit]
            ).map(Self.event)
            return (position, events)
        }
    }

    /// Moves `cursor` from `from` to `to` and returns true, or returns false when another reader moved it first:
    /// whoever advances a cursor is the one who acts on what it passed.
    public func advance(_ cursor: String, from: Int64, to: Int64) async throws -> Bool {
        try await database.write(changesPublicPages: false) { db in
            guard try Self.position(db, cursor) == from else { return false }
            try db.execute(
                sql: "INSERT INTO event_cursor (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position",
                arguments: [cursor, to])
            return true
        }
    }

    /// A cursor's position (0 before its first use).
    public func position(_ cursor: String) async throws -> Int64 {
        try await database.pool.read { db in try Self.position(db, cursor) }
    }

    static func position(_ db: Database, _ cursor: String) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT position FROM event_cursor WHERE name = ?", arguments: [cursor]) ?? 0
    }
}

/// Keeps an `observeAppends` observation running until it is cancelled or released.
public final class EventObservation: Sendable {
    private let stop: @Sendable () -> Void

    /// `stop` ends the observation: called by `cancel` and again when the observation is released, so it must allow that.
    public init(stop: @escaping @Sendable () -> Void) {
        self.stop = stop
    }

    deinit { stop() }

    public func cancel() {
        stop()
    }
}
