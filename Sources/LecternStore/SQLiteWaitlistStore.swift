import Foundation
import GRDB
import LecternCore

/// One learner waiting for a seat.
public struct WaitlistEntry: Sendable, Equatable {
    public var position: Int
    public var email: String
    public var name: String
    public var joinedAt: Date
    /// The access code that paid for the place, on a code course.
    public var code: String?
    /// The learner's note, on an approval course (their request waits for a seat).
    public var note: String
}

/// `WaitlistStore` in SQLite, through GRDB.
public struct SQLiteWaitlistStore: WaitlistStore {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    /// Joins the waitlist of a full open course. Enrols at once if a seat is free after all.
    public func join(userID: Int64, courseID: Int64, now: Date = Date()) async throws -> PlaceOutcome {
        try await database.write { db in
            try Seats.serveQueueFirst(db, courseID: courseID, now: now)
            if try Seats.isEnrolled(db, userID: userID, courseID: courseID) { return .alreadyEnrolled }
            guard let course = try Seats.state(db, courseID: courseID, now: now) else { return .refused(.closed(now)) }
            switch course.joining {
            case .refuse(let outcome): return outcome
            case .wait: return .waitlisted(position: try Seats.wait(db, userID: userID, courseID: courseID, now: now))
            case .enrol:
                try Seats.enrol(db, userID: userID, courseID: courseID, now: now)
                return .enrolled
            }
        }
    }

    /// Leaves the waitlist; a code that paid for the place is given back its use. Returns false when not waiting.
    @discardableResult
    public func leave(userID: Int64, courseID: Int64) async throws -> Bool {
        try await database.write { db in try Seats.leaveQueue(db, userID: userID, courseID: courseID) }
    }

    /// The course's queue in order.
    public func entries(courseID: Int64) async throws -> [WaitlistEntry] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT users.email, users.name, waitlist.joined_at, waitlist.note, access_code.code FROM waitlist
                    JOIN users ON users.id = waitlist.user_id LEFT JOIN access_code ON access_code.id = waitlist.code_id
                    WHERE waitlist.course_id = ? ORDER BY waitlist.id
                    """, arguments: [courseID]
            ).enumerated().map { index, row in
                WaitlistEntry(position: index + 1, email: row["email"], name: row["name"], joinedAt: row["joined_at"], code: row["code"], note: row["note"])
            }
        }
    }
}

/// What a learner promoted from a waitlist is told: where they stand on the course now.
public struct WaitlistPromotion: Sendable, Equatable {
    public var email: String
    public var name: String
    public var courseTitle: String
    public var courseSlug: String
    /// Enrolled now; otherwise (an approval course) their request holds a seat and waits for a decision.
    public var isEnrolled: Bool
}

extension SQLiteWaitlistStore {
    /// Where the learner of a promotion stands now; nil when they have since left (nothing to tell).
    public func promotion(userID: Int64, courseID: Int64) async throws -> WaitlistPromotion? {
        try await database.pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT users.email, users.name, course.title, course.slug,
                            EXISTS (SELECT 1 FROM enrolment WHERE user_id = users.id AND course_id = course.id) AS enrolled,
                            EXISTS (SELECT 1 FROM enrolment_request WHERE user_id = users.id AND course_id = course.id AND status = 'pending') AS pending
                        FROM users, course WHERE users.id = ? AND course.id = ?
                        """, arguments: [userID, courseID])
            else { return nil }
            let enrolled: Bool = row["enrolled"]
            let pending: Bool = row["pending"]
            guard enrolled || pending else { return nil }
            return WaitlistPromotion(
                email: row["email"], name: row["name"], courseTitle: row["title"], courseSlug: row["slug"], isEnrolled: enrolled)
        }
    }
}
