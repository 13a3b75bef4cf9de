import Foundation
import LecternCore

/// `WaitlistStore` in PostgreSQL.
struct PostgresWaitlistStore: WaitlistStore {
    let database: PostgresSiteDatabase

    func join(userID: Int64, courseID: Int64, now: Date) async throws -> PlaceOutcome {
        try await database.write { runner -> PlaceOutcome in
            // The course's row is locked before anything is read (see `PostgresSeats.state`): learners joining at once
            // take the free seats and the places in the queue in turn, and a double click finds the first click's place.
            _ = try await PostgresSeats.state(runner, courseID: courseID, now: now)
            try await PostgresSeats.serveQueueFirst(runner, courseID: courseID, now: now)
            if try await PostgresSeats.isEnrolled(runner, userID: userID, courseID: courseID) { return .alreadyEnrolled }
            guard let course = try await PostgresSeats.state(runner, courseID: courseID, now: now) else { return .refused(.closed(now)) }
            switch course.joining {
            case .refuse(let outcome):
                return outcome
            case .wait:
                let position = try await PostgresSeats.wait(runner, userID: userID, courseID: courseID, now: now)
                return .waitlisted(position: position)
            case .enrol:
                try await PostgresSeats.enrol(runner, userID: userID, courseID: courseID, now: now)
                return .enrolled
            }
        }
    }

    @discardableResult
    func leave(userID: Int64, courseID: Int64) async throws -> Bool {
        try await database.write { runner -> Bool in
            // The course's row is locked first, as by a promotion: a learner leaving the queue is either gone before a
            // promotion picks the first in line, or was promoted before and is no longer waiting (nor given a use back).
            _ = try await PostgresSeats.state(runner, courseID: courseID, now: Date())
            return try await PostgresSeats.leaveQueue(runner, userID: userID, courseID: courseID)
        }
    }

    func entries(courseID: Int64) async throws -> [WaitlistEntry] {
        try await database.read { runner -> [WaitlistEntry] in
            try await runner.all(
                """
                SELECT users.email, users.name, waitlist.joined_at, waitlist.note, access_code.code FROM waitlist
                JOIN users ON users.id = waitlist.user_id LEFT JOIN access_code ON access_code.id = waitlist.code_id
                WHERE waitlist.course_id = \(courseID) ORDER BY waitlist.id
                """,
                { row in
                    (
                        email: try row["email"] as String, name: try row["name"] as String, joinedAt: try row["joined_at"] as Date,
                        code: try row["code"] as String?, note: try row["note"] as String
                    )
                }
            ).enumerated().map { index, row in
                WaitlistEntry(position: index + 1, email: row.email, name: row.name, joinedAt: row.joinedAt, code: row.code, note: row.note)
            }
        }
    }

    func promotion(userID: Int64, courseID: Int64) async throws -> WaitlistPromotion? {
        try await database.read { runner -> WaitlistPromotion? in
            guard
                let row = try await runner.one(
                    """
                    SELECT users.email, users.name, course.title, course.slug,
                        EXISTS (SELECT 1 FROM enrolment WHERE user_id = users.id AND course_id = course.id) AS enrolled,
                        EXISTS (SELECT 1 FROM enrolment_request WHERE user_id = users.id AND course_id = course.id AND status = 'pending') AS pending
                    FROM users, course WHERE users.id = \(userID) AND course.id = \(courseID)
                    """,
                    { row in
                        (
                            email: try row["email"] as String, name: try row["name"] as String, title: try row["title"] as String,
                            slug: try row["slug"] as String, enrolled: try row["enrolled"] as Bool, pending: try row["pending"] as Bool
                        )
                    })
            else { return nil }
            guard row.enrolled || row.pending else { return nil }
            return WaitlistPromotion(email: row.email, name: row.name, courseTitle: row.title, courseSlug: row.slug, isEnrolled: row.enrolled)
        }
    }
}
