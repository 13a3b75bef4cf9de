import Foundation
import LecternCore

/// `Seats` in PostgreSQL: the same accounting, inside the caller's transaction. Where SQLite's single writer makes
/// each check-then-insert atomic, here `state` locks the course's row first: every transaction that gives, frees or
/// counts a seat of a course takes its turn. The lock is `FOR NO KEY UPDATE` (every row lock of these stores is):
/// as exclusive as `FOR UPDATE` among lockers, but it does not block the foreign-key check of a row that names the
/// course, which, held against the event-append lock, deadlocked a certificate insert with another learner's enrolment.
enum PostgresSeats {
    /// The course's enrolment state now, counting held seats, with the course row locked until the transaction
    /// ends; nil when there is no such course on offer.
    static func state(_ runner: QueryRunner, courseID: Int64, now: Date) async throws -> Seats.CourseState? {
        guard
            let course = try await runner.one(
                """
                SELECT capacity, enrolment_opens, enrolment_closes, enrolment_mode, operator_enrolment, operator_enrolment_at,
                    operator_capacity_set, operator_capacity
                FROM course WHERE id = \(courseID) AND NOT is_removed FOR NO KEY UPDATE
                """,
                { row in
                    (
                        settings: try OperatorCourseSettings(columns: row), capacity: try row["capacity"] as Int?,
                        opens: try row["enrolment_opens"] as Date?, closes: try row["enrolment_closes"] as Date?,
                        mode: try row["enrolment_mode"] as String
                    )
                })
        else { return nil }
        let taken =
            try await runner.value(
                """
                SELECT (SELECT count(*) FROM enrolment WHERE course_id = \(courseID))
                    + (SELECT count(*) FROM enrolment_request WHERE course_id = \(courseID) AND status = 'pending')
                """, as: Int.self) ?? 0
        let capacity = course.settings.effectiveCapacity(content: course.capacity)
        let state = EnrolmentRule.state(
            at: now, opens: course.opens, closes: course.closes, override: course.settings.enrolment, capacity: capacity, enrolled: taken)
        return Seats.CourseState(state: state, mode: EnrolmentMode(rawValue: course.mode) ?? .open, capacity: capacity, taken: taken)
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
