import Foundation
import GRDB
import LecternCore

/// The seat accounting every way into a course shares, inside the caller's write transaction: a course's state
/// with the seats held (enrolments and pending requests), enrolling, the waitlist, and filling a freed seat from it.
/// SQLite's single writer makes each check-then-insert atomic; every caller holds the write.
enum Seats {
    struct CourseState {
        var state: EnrolmentState
        var mode: EnrolmentMode
        var capacity: Int?
        var taken: Int
    }

    /// The course's enrolment state now, counting held seats; nil when there is no such course on offer.
    static func state(_ db: Database, courseID: Int64, now: Date) throws -> CourseState? {
        guard let course = try Row.fetchOne(db, sql: "SELECT * FROM course WHERE id = ? AND is_removed = 0", arguments: [courseID]) else {
            return nil
        }
        let taken =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT (SELECT count(*) FROM enrolment WHERE course_id = ?)
                        + (SELECT count(*) FROM enrolment_request WHERE course_id = ? AND status = 'pending')
                    """, arguments: [courseID, courseID]) ?? 0
        let settings = OperatorCourseSettings(row: course)
        let capacity = settings.effectiveCapacity(content: course["capacity"])
        let state = EnrolmentRule.state(
            at: now, opens: course["enrolment_opens"], closes: course["enrolment_closes"], override: settings.enrolment, capacity: capacity,
            enrolled: taken)
        return CourseState(state: state, mode: EnrolmentMode(rawValue: course["enrolment_mode"] ?? "") ?? .open, capacity: capacity, taken: taken)
    }

    /// Seats that are free while others wait go to those waiting first, so a newcomer never jumps the queue, whatever
    /// freed the seat (a deleted account, a date that passed). Called first in every transaction that gives a place.
    static func serveQueueFirst(_ db: Database, courseID: Int64, now: Date) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM waitlist WHERE course_id = ? LIMIT 1", arguments: [courseID]) == true {
            try promote(db, courseID: courseID, now: now)
        }
    }

    static func isEnrolled(_ db: Database, userID: Int64, courseID: Int64) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM enrolment WHERE user_id = ? AND course_id = ?", arguments: [userID, courseID]) == true
    }

    static func enrol(_ db: Database, userID: Int64, courseID: Int64, now: Date, overCapacityReason: String? = nil) throws {
        try db.execute(
            sql: "INSERT INTO enrolment (user_id, course_id, enrolled_at, over_capacity_reason) VALUES (?, ?, ?, ?)",
            arguments: [userID, courseID, now, overCapacityReason])
        try SQLiteEventLog.append(db, .enrolled, userID: userID, subjectID: courseID, courseID: courseID, now: now)
        // A place obtained any way ends the learner's wait or request for it, so nobody holds two seats.
        try db.execute(sql: "DELETE FROM waitlist WHERE user_id = ? AND course_id = ?", arguments: [userID, courseID])
        try db.execute(
            sql: "UPDATE enrolment_request SET status = 'approved', decided_at = ? WHERE user_id = ? AND course_id = ? AND status = 'pending'",
            arguments: [now, userID, courseID])
    }

    /// Takes the learner out of the queue; a code that paid for their place gets its use back. False when not waiting.
    static func leaveQueue(_ db: Database, userID: Int64, courseID: Int64) throws -> Bool {
        guard let entry = try Row.fetchOne(db, sql: "SELECT code_id FROM waitlist WHERE user_id = ? AND course_id = ?", arguments: [userID, courseID])
        else { return false }
        try db.execute(sql: "DELETE FROM waitlist WHERE user_id = ? AND course_id = ?", arguments: [userID, courseID])
        if let codeID = entry["code_id"] as Int64? {
            try db.execute(sql: "DELETE FROM code_redemption WHERE code_id = ? AND user_id = ?", arguments: [codeID, userID])
            try db.execute(sql: "UPDATE access_code SET uses = uses - 1 WHERE id = ? AND uses > 0", arguments: [codeID])
        }
        return true
    }

    /// The learner's place in the course's queue (1 is next), or nil when they are not waiting.
    static func position(_ db: Database, userID: Int64, courseID: Int64) throws -> Int? {
        try Int.fetchOne(
            db,
            sql: """
                SELECT (SELECT count(*) FROM waitlist AS ahead WHERE ahead.course_id = mine.course_id AND ahead.id <= mine.id)
                FROM waitlist AS mine WHERE mine.user_id = ? AND mine.course_id = ?
                """, arguments: [userID, courseID])
    }

    /// Puts the learner at the end of the queue (or leaves them where they are) and returns their position.
    static func wait(_ db: Database, userID: Int64, courseID: Int64, codeID: Int64? = nil, note: String = "", now: Date) throws -> Int {
        try db.execute(
            sql: "INSERT OR IGNORE INTO waitlist (course_id, user_id, joined_at, code_id, note) VALUES (?, ?, ?, ?, ?)",
            arguments: [courseID, userID, now, codeID, note])
        return try position(db, userID: userID, courseID: courseID) ?? 1
    }

    /// Fills free seats from the front of the queue while enrolment is open, each promotion an event for the
    /// mailer. On an approval course the first waiting request becomes a pending one (it now holds the seat and
    /// waits for a decision); elsewhere the learner is enrolled. Returns the learners promoted.
    @discardableResult
    static func promote(_ db: Database, courseID: Int64, now: Date) throws -> [Int64] {
        var promoted: [Int64] = []
        while let course = try state(db, courseID: courseID, now: now), course.state == .open,
            let first = try Row.fetchOne(db, sql: "SELECT id, user_id, note FROM waitlist WHERE course_id = ? ORDER BY id LIMIT 1", arguments: [courseID])
        {
            let userID: Int64 = first["user_id"]
            try db.execute(sql: "DELETE FROM waitlist WHERE id = ?", arguments: [first["id"] as Int64])
            if course.mode == .approval {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO enrolment_request (user_id, course_id, note, status, requested_at) VALUES (?, ?, ?, 'pending', ?)",
                    arguments: [userID, courseID, first["note"] as String, now])
            } else if try !isEnrolled(db, userID: userID, courseID: courseID) {
                try enrol(db, userID: userID, courseID: courseID, now: now)
            }
            try SQLiteEventLog.append(db, .waitlistPromoted, userID: userID, subjectID: courseID, courseID: courseID, now: now)
            promoted.append(userID)
        }
        return promoted
    }
}
