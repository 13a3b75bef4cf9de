import Foundation
import GRDB

/// What happened that someone should hear about. Appended in the transaction of the change itself (events stored
/// first), so a notifier that was down, or another instance, catches up without loss.
public enum EventKind: String, Sendable {
    /// An instructor approved or returned a checkpoint submission; `subjectID` is the submission.
    case checkpointReviewed = "checkpoint.reviewed"
    /// A freed seat went to the first learner waiting; `subjectID` is the course.
    case waitlistPromoted = "waitlist.promoted"
    /// A request for a place was approved or declined; `subjectID` is the request.
    case requestDecided = "request.decided"
}

/// One stored event.
public struct StoredEvent: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var userID: Int64?
    public var subjectID: Int64?
    public var createdAt: Date
}

/// The event log and the cursors of the notifiers that read it.
public struct EventLog: Sendable {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    /// Appends an event on its own (the notifiers put back what they could not deliver).
    public func append(_ kind: EventKind, userID: Int64?, subjectID: Int64?, now: Date = Date()) async throws {
        try await database.write(changesPublicPages: false) { db in try Self.append(db, kind, userID: userID, subjectID: subjectID, now: now) }
    }

    static func append(_ db: Database, _ kind: EventKind, userID: Int64?, subjectID: Int64?, now: Date) throws {
        try db.execute(
            sql: "INSERT INTO event (kind, user_id, subject_id, created_at) VALUES (?, ?, ?, ?)", arguments: [kind.rawValue, userID, subjectID, now])
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
            ).map { row in
                StoredEvent(id: row["id"], kind: row["kind"], userID: row["user_id"], subjectID: row["subject_id"], createdAt: row["created_at"])
            }
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
