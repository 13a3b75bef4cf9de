import Foundation
import LecternCore
import PostgresNIO

/// `Seats` in PostgreSQL: the same accounting, inside the caller's transaction. Where SQLite's single writer makes
/// each check-then-insert atomic, here `state` locks the course's row first: every transaction that gives, frees or
/// counts a seat of a course takes its turn. The lock is `FOR NO KEY UPDATE` (every row lock of these stores is):
/// as exclusive as `FOR UPDATE` among lockers, but it does not block the foreign-key check of a row that names the
/// course, which, held against the event-append lock, deadlocked a certificate insert with another learner's enrolment.
enum PostgresSeats {
    /// What `course_seats` (its migration says why it is a function) read of a course and one learner. It holds no
    /// time-dependent answer: `course(at:)` decides open or closed for the moment it is asked, so a reading kept a moment
    /// (`RecentReads`) never lets anyone in after enrolment closed.
    struct Reading {
        var opens: Date?
        var closes: Date?
        var settings: OperatorCourseSettings
        var capacity: Int?
        var mode: EnrolmentMode
        /// Seats held; 0 when `enrolled`: the seats of a course are not counted for a learner who holds one.
        var taken: Int
        /// A digest of the course's enrolment settings: equal digests, the same decision for the same seat count.
        var facts: String
        var waiting: Bool
        var enrolled: Bool
        var requested: Bool

        func course(at now: Date) -> Seats.CourseState {
            let state = EnrolmentRule.state(at: now, opens: opens, closes: closes, override: settings.enrolment, capacity: capacity, enrolled: taken)
            return Seats.CourseState(state: state, mode: mode, capacity: capacity, taken: taken)
        }
    }

    /// The course's seats (nil when there is no such course on offer), with the course's row locked until the
    /// transaction ends when `locking`: every transaction that gives, frees or counts a seat of a course takes its turn.
    static func reading(_ runner: QueryRunner, courseID: Int64, userID: Int64?, locking: Bool) async throws -> Reading? {
        // Unlocked, one plain statement reads the same in one snapshot: PL/pgSQL's call costs twice the reading itself
        // (0.2 ms against 0.08 ms a call, pg_stat_statements, a flood of new places), on the path of every new place.
        // Its digest must be the function's, which the one-statement enrolment compares it with.
        let query: PostgresQuery =
            locking
            ? "SELECT * FROM course_seats(\(courseID), \(userID), true)"
            : """
            SELECT c.capacity, c.enrolment_opens, c.enrolment_closes, c.enrolment_mode, c.operator_enrolment,
                c.operator_enrolment_at, c.operator_capacity_set, c.operator_capacity,
                md5(row(c.capacity, extract(epoch FROM c.enrolment_opens), extract(epoch FROM c.enrolment_closes),
                    c.enrolment_mode, c.operator_enrolment, extract(epoch FROM c.operator_enrolment_at),
                    c.operator_capacity_set, c.operator_capacity)::text) AS facts,
                CASE WHEN held.enrolled THEN NULL ELSE
                    (SELECT count(*) FROM enrolment AS e WHERE e.course_id = c.id)
                    + (SELECT count(*) FROM enrolment_request AS r WHERE r.course_id = c.id AND r.status = 'pending')
                END AS taken,
                EXISTS (SELECT 1 FROM waitlist AS w WHERE w.course_id = c.id) AS waiting,
                held.enrolled,
                EXISTS (
                    SELECT 1 FROM enrolment_request AS r WHERE r.course_id = c.id AND r.user_id = \(userID) AND r.status = 'pending'
                ) AS requested
            FROM course AS c,
                LATERAL (SELECT EXISTS (SELECT 1 FROM enrolment AS e WHERE e.course_id = c.id AND e.user_id = \(userID)) AS enrolled) AS held
            WHERE c.id = \(courseID) AND NOT c.is_removed
            """
        return try await runner.one(query) { row in
            let settings = try OperatorCourseSettings(columns: row)
            return Reading(
                opens: try row["enrolment_opens"], closes: try row["enrolment_closes"], settings: settings,
                capacity: settings.effectiveCapacity(content: try row["capacity"] as Int?),
                mode: EnrolmentMode(rawValue: try row["enrolment_mode"] as String) ?? .open,
                // Not counted for a learner who holds a place (see the function): nothing is decided on it for them.
                taken: try row["taken"] as Int? ?? 0, facts: try row["facts"], waiting: try row["waiting"], enrolled: try row["enrolled"],
                requested: try row["requested"])
        }
    }

    /// The course's enrolment state now, counting held seats, with the course row locked until the transaction
    /// ends; nil when there is no such course on offer.
    static func state(_ runner: QueryRunner, courseID: Int64, now: Date) async throws -> Seats.CourseState? {
        try await reading(runner, courseID: courseID, userID: nil, locking: true)?.course(at: now)
    }

    /// A new place asked for: who, and when (their `enrolled_at`).
    struct NewPlace: Sendable {
        var userID: Int64
        var now: Date
    }

    /// What new places asked for at once must share to be decided together (`WriteBatches`): the course, and the
    /// reading of it each was decided on.
    struct NewPlaceKey: Hashable, Sendable {
        var courseID: Int64
        var facts: String
        var capacity: Int?
    }

    /// Enrols the learners in one statement, committed on its own, those that what `seen` read still allows once the
    /// course's row is locked: the same settings, nobody waiting, a seat free for each in turn (or no capacity), and no
    /// place or pending request of their own. The row is locked for that statement alone, not for a transaction of
    /// several round trips, and once for all of them. One answer per place, in order: true when enrolled; false when
    /// anything changed (or the same learner asked twice: the first is enrolled), and then nothing was written for it.
    static func enrolIfUnchanged(_ runner: QueryRunner, courseID: Int64, seen: NewPlaceKey, places: [NewPlace]) async throws -> [Bool] {
        // Events are appended as `PostgresEventLog.append` does, and the site's revision moves as `write` moves it, in
        // the order every write takes these locks (the course's row, the event lock, the revision's row): `moved` reads
        // `appended`, so it runs after it. Run in the other order, it deadlocked with a certificate's transaction. The
        // seats are counted without a learner (`taken` counts every place), and each learner's own state is read here.
        let enrolled = try await runner.all(
            """
            WITH seats AS MATERIALIZED (SELECT * FROM course_seats(\(courseID), NULL, true)),
            asked AS (
                SELECT DISTINCT ON (user_id) user_id, at, turn
                FROM unnest(\(places.map(\.userID))::bigint[], \(places.map(\.now))::timestamptz[]) WITH ORDINALITY AS a(user_id, at, turn)
                ORDER BY user_id, turn
            ),
            free AS (
                SELECT asked.*, row_number() OVER (ORDER BY turn) AS n FROM asked
                WHERE NOT EXISTS (SELECT 1 FROM enrolment AS e WHERE e.course_id = \(courseID) AND e.user_id = asked.user_id)
                    AND NOT EXISTS (
                        SELECT 1 FROM enrolment_request AS r
                        WHERE r.course_id = \(courseID) AND r.user_id = asked.user_id AND r.status = 'pending'
                    )
            ),
            enrolled AS (
                INSERT INTO enrolment (user_id, course_id, enrolled_at)
                SELECT free.user_id, \(courseID), free.at FROM free, seats
                WHERE seats.facts = \(seen.facts) AND NOT seats.waiting
                    AND (\(seen.capacity)::bigint IS NULL OR seats.taken + free.n <= \(seen.capacity))
                ORDER BY free.turn
                ON CONFLICT DO NOTHING
                RETURNING user_id, enrolled_at
            ),
            ordered AS MATERIALIZED (SELECT pg_advisory_xact_lock(\(PostgresEventLog.appendLock)) WHERE EXISTS (SELECT 1 FROM enrolled)),
            appended AS (
                INSERT INTO event (kind, user_id, subject_id, course_id, created_at)
                SELECT \(EventKind.enrolled.rawValue), enrolled.user_id, \(courseID), \(courseID), enrolled.enrolled_at FROM ordered, enrolled
                RETURNING pg_notify('\(unescaped: PostgresChangeChannel.name)', '')
            ),
            moved AS (UPDATE site_revision SET revision = revision + 1 WHERE id = 1 AND EXISTS (SELECT 1 FROM appended))
            SELECT user_id FROM enrolled
            """, { try $0["user_id"] as Int64 })
        var answered = Set(enrolled)
        return places.map { answered.remove($0.userID) != nil }
    }

    /// Seats that are free while others wait go to those waiting first (see `Seats.serveQueueFirst`).
    static func serveQueueFirst(_ runner: QueryRunner, courseID: Int64, now: Date) async throws {
        if try await runner.exists("SELECT 1 FROM waitlist WHERE course_id = \(courseID) LIMIT 1") {
            try await promote(runner, courseID: courseID, now: now)
        }
    }

    static func isEnrolled(_ runner: QueryRunner, userID: Int64, courseID: Int64) async throws -> Bool {
        try await runner.exists("SELECT 1 FROM enrolment WHERE user_id = \(userID) AND course_id = \(courseID)")
    }

    static func enrol(_ runner: QueryRunner, userID: Int64, courseID: Int64, now: Date, overCapacityReason: String? = nil) async throws {
        // A place obtained any way ends the learner's wait or request for it, so nobody holds two seats: one statement,
        // one round trip, while the course's row is locked. The event goes last: its lock orders every event's commit.
        try await runner.execute(
            """
            WITH enrolled AS (
                INSERT INTO enrolment (user_id, course_id, enrolled_at, over_capacity_reason)
                VALUES (\(userID), \(courseID), \(now), \(overCapacityReason)) RETURNING 1
            ),
            unqueued AS (DELETE FROM waitlist WHERE user_id = \(userID) AND course_id = \(courseID) RETURNING 1),
            settled AS (
                UPDATE enrolment_request SET status = 'approved', decided_at = \(now)
                WHERE user_id = \(userID) AND course_id = \(courseID) AND status = 'pending' RETURNING 1
            )
            SELECT 1
            """)
        try await PostgresEventLog.append(runner, .enrolled, userID: userID, subjectID: courseID, courseID: courseID, now: now)
    }

    /// Takes the learner out of the queue; a code that paid for their place gets its use back. False when not waiting.
    static func leaveQueue(_ runner: QueryRunner, userID: Int64, courseID: Int64) async throws -> Bool {
        guard
            let entry = try await runner.one(
                "DELETE FROM waitlist WHERE user_id = \(userID) AND course_id = \(courseID) RETURNING code_id", { try $0["code_id"] as Int64? })
        else { return false }
        if let codeID = entry {
            try await runner.execute("DELETE FROM code_redemption WHERE code_id = \(codeID) AND user_id = \(userID)")
            try await runner.execute("UPDATE access_code SET uses = uses - 1 WHERE id = \(codeID) AND uses > 0")
        }
        return true
    }

    /// The learner's place in the course's queue (1 is next), or nil when they are not waiting.
    static func position(_ runner: QueryRunner, userID: Int64, courseID: Int64) async throws -> Int? {
        try await runner.value(
            """
            SELECT (SELECT count(*) FROM waitlist AS ahead WHERE ahead.course_id = mine.course_id AND ahead.id <= mine.id)
            FROM waitlist AS mine WHERE mine.user_id = \(userID) AND mine.course_id = \(courseID)
            """, as: Int.self)
    }

    /// Puts the learner at the end of the queue (or leaves them where they are) and returns their position.
    static func wait(_ runner: QueryRunner, userID: Int64, courseID: Int64, codeID: Int64? = nil, note: String = "", now: Date) async throws -> Int {
        try await runner.execute(
            """
            INSERT INTO waitlist (course_id, user_id, joined_at, code_id, note) VALUES (\(courseID), \(userID), \(now), \(codeID), \(note))
            ON CONFLICT (course_id, user_id) DO NOTHING
            """)
        return try await position(runner, userID: userID, courseID: courseID) ?? 1
    }

    /// Fills free seats from the front of the queue while enrolment is open (see `Seats.promote`).
    @discardableResult
    static func promote(_ runner: QueryRunner, courseID: Int64, now: Date) async throws -> [Int64] {
        var promoted: [Int64] = []
        while let course = try await state(runner, courseID: courseID, now: now), course.state == .open,
            let first = try await runner.one(
                "SELECT id, user_id, note FROM waitlist WHERE course_id = \(courseID) ORDER BY id LIMIT 1",
                { (id: try $0["id"] as Int64, userID: try $0["user_id"] as Int64, note: try $0["note"] as String) })
        {
            try await runner.execute("DELETE FROM waitlist WHERE id = \(first.id)")
            if course.mode == .approval {
                try await runner.execute(
                    """
                    INSERT INTO enrolment_request (user_id, course_id, note, status, requested_at)
                    VALUES (\(first.userID), \(courseID), \(first.note), 'pending', \(now)) ON CONFLICT DO NOTHING
                    """)
            } else if try await !isEnrolled(runner, userID: first.userID, courseID: courseID) {
                try await enrol(runner, userID: first.userID, courseID: courseID, now: now)
            }
            try await PostgresEventLog.append(runner, .waitlistPromoted, userID: first.userID, subjectID: courseID, courseID: courseID, now: now)
            promoted.append(first.userID)
        }
        return promoted
    }
}

extension OperatorCourseSettings {
    init(columns row: Columns) throws {
        var settings = OperatorCourseSettings()
        let since: Date = try row["operator_enrolment_at"] as Date? ?? Date(timeIntervalSince1970: 0)
        switch try row["operator_enrolment"] as String? {
        case "open": settings.enrolment = .open(since: since)
        case "closed": settings.enrolment = .closed(since: since)
        default: break
        }
        if try row["operator_capacity_set"] as Bool { settings.capacity = .some(try row["operator_capacity"] as Int?) }
        self = settings
    }
}
