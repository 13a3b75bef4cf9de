import Foundation
import LecternCore

/// `EventLog` in PostgreSQL. Event ids come from a sequence, and PostgreSQL transactions may commit out of the order
/// in which they took their ids; a reader reading "after id N" would then skip an event committed late. So an
/// event is appended holding a transaction-level advisory lock: event-writing transactions commit one at a time,
/// in id order, as SQLite's single writer gives for free.
struct PostgresEventLog: EventLog {
    let database: PostgresSiteDatabase

    /// The advisory lock that orders event appends ("LCEV").
    static let appendLock: Int64 = 0x4C43_4556

    func append(_ kind: EventKind, userID: Int64?, subjectID: Int64?, courseID: Int64?, now: Date) async throws {
        try await database.write(changesPublicPages: false) { runner in
            try await Self.append(runner, kind, userID: userID, subjectID: subjectID, courseID: courseID, now: now)
        }
    }

    /// Appends an event inside the transaction of the change it tells of: both are kept, or neither. Other instances
    /// hear of it through `NOTIFY` when the transaction commits.
    static func append(_ runner: QueryRunner, _ kind: EventKind, userID: Int64?, subjectID: Int64?, courseID: Int64?, now: Date) async throws {
        // One round trip: the lock is taken (the materialised CTE is read first) before the row's id is drawn, and the
        // change is announced at commit.
        let id = try await runner.value(
            """
            WITH ordered AS MATERIALIZED (SELECT pg_advisory_xact_lock(\(appendLock)))
            INSERT INTO event (kind, user_id, subject_id, course_id, created_at)
            SELECT \(kind.rawValue), \(userID), \(subjectID), \(courseID), \(now) FROM ordered
            RETURNING id, pg_notify('\(unescaped: PostgresChangeChannel.name)', '')
            """, as: Int64.self)
        if let userID, let id {
            try await PostgresNotificationStore.record(runner, eventID: id, kind, userID: userID, subjectID: subjectID, courseID: courseID, now: now)
        }
    }

    func events(after id: Int64, limit: Int) async throws -> [StoredEvent] {
        try await database.read { runner in
            try await runner.all("SELECT * FROM event WHERE id > \(id) ORDER BY id LIMIT \(limit)", StoredEvent.init(columns:))
        }
    }

    func newestID() async throws -> Int64 {
        try await database.read { runner in try await runner.value("SELECT max(id) FROM event", as: Int64.self) ?? 0 }
    }

    func prune(retention: TimeInterval, now: Date) async throws -> Int {
        try await database.write(changesPublicPages: false) { runner in
            // Never the newest event, as on SQLite (there, ids are reused after the newest is deleted; here the rule
            // is kept so both backends keep the same history).
            try await runner.value(
                """
                WITH gone AS (
                    DELETE FROM event
                    WHERE created_at < \(now.addingTimeInterval(-retention))
                        AND id <= coalesce((SELECT min(position) FROM event_cursor), 9223372036854775807)
                        AND id < (SELECT max(id) FROM event)
                    RETURNING 1
                )
                SELECT count(*) FROM gone
                """, as: Int.self) ?? 0
        }
    }

    func observeAppends(_ action: @escaping @Sendable () -> Void) -> EventObservation {
        database.changes.observe(action)
    }

    func events(after cursor: String, kinds: [EventKind], limit: Int) async throws -> (position: Int64, events: [StoredEvent]) {
        try await database.read { runner in
            let position = try await Self.position(runner, cursor)
            let events = try await runner.all(
                "SELECT * FROM event WHERE id > \(position) AND kind = ANY(\(kinds.map(\.rawValue))) ORDER BY id LIMIT \(limit)",
                StoredEvent.init(columns:))
            return (position, events)
        }
    }

    func advance(_ cursor: String, from: Int64, to: Int64) async throws -> Bool {
        try await database.write(changesPublicPages: false) { runner in
            // The row is locked (or the insert waits on its key), so of two readers moving the same cursor, the
            // second sees where the first left it.
            if from == 0 {
                let inserted = try await runner.value(
                    "INSERT INTO event_cursor (name, position) VALUES (\(cursor), \(to)) ON CONFLICT (name) DO NOTHING RETURNING 1", as: Int.self)
                if inserted != nil { return true }
            }
            let moved = try await runner.value(
                "UPDATE event_cursor SET position = \(to) WHERE name = \(cursor) AND position = \(from) RETURNING 1", as: Int.self)
            return moved != nil
        }
    }

    func position(_ cursor: String) async throws -> Int64 {
        try await database.read { runner in try await Self.position(runner, cursor) }
    }

    static func position(_ runner: QueryRunner, _ cursor: String) async throws -> Int64 {
        try await runner.value("SELECT position FROM event_cursor WHERE name = \(cursor)", as: Int64.self) ?? 0
    }
}

extension StoredEvent {
    init(columns row: Columns) throws {
        self.init(
            id: try row["id"], kind: try row["kind"], userID: try row["user_id"], subjectID: try row["subject_id"], courseID: try row["course_id"],
            createdAt: try row["created_at"])
    }
}
