import Foundation
import GRDB
import LecternCore

/// How a course is doing, for the operator: one row of `lectern course list`, or the head of `course show`.
public struct CourseStatistics: Sendable, Equatable {
    public var course: CourseDetail
    /// The seats the content file gives, before any operator setting.
    public var contentCapacity: Int?
    /// Enrolled learners who hold a valid certificate for the course.
    public var completed: Int
    /// Certificates ever issued for the course, including to learners who have since left, and revoked ones.
    public var certificatesIssued: Int
    public var certificatesRevoked: Int
    /// For each current lesson, in syllabus order: how many learners completed it.
    public var lessonCompletions: [(lesson: LessonSummary, learners: Int)]

    /// Share of enrolled learners who completed, 0 to 100; nil when nobody is enrolled.
    public var completionRate: Double? {
        course.enrolledCount == 0 ? nil : Double(completed) * 100 / Double(course.enrolledCount)
    }

    public static func == (lhs: CourseStatistics, rhs: CourseStatistics) -> Bool {
        lhs.course == rhs.course && lhs.completed == rhs.completed && lhs.certificatesIssued == rhs.certificatesIssued
    }
}

extension SQLiteCourseStore {
    /// The course's slug, title and whether it is on offer, by slug (removed courses included), for precise errors.
    public func exists(slug: String) async throws -> (title: String, isRemoved: Bool)? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT title, is_removed FROM course WHERE slug = ?", arguments: [slug]).map {
                ($0["title"], $0["is_removed"])
            }
        }
    }

    public func slugs() async throws -> [String] {
        try await database.pool.read { db in
            try String.fetchAll(db, sql: "SELECT slug FROM course WHERE is_removed = 0 ORDER BY is_featured DESC, title")
        }
    }

    public func statistics(slug: String) async throws -> CourseStatistics? {
        guard let course = try await course(slug: slug) else { return nil }
        return try await database.pool.read { db in
            let contentCapacity = try Int?.fetchOne(db, sql: "SELECT capacity FROM course WHERE id = ?", arguments: [course.id]) ?? nil
            let completed =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) FROM enrolment JOIN certificate
                            ON certificate.user_id = enrolment.user_id AND certificate.course_id = enrolment.course_id
                        WHERE enrolment.course_id = ? AND certificate.revoked_at IS NULL AND certificate.replaced_by IS NULL
                        """,
                    arguments: [course.id]) ?? 0
            let certificates = try Row.fetchOne(
                db, sql: "SELECT count(*) AS issued, count(revoked_at) AS revoked FROM certificate WHERE course_id = ? AND replaced_by IS NULL", arguments: [course.id])
            var perLesson: [Int64: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT lesson_completion.lesson_id, count(*) AS learners FROM lesson_completion
                    JOIN lesson ON lesson.id = lesson_completion.lesson_id WHERE lesson.course_id = ? GROUP BY lesson_completion.lesson_id
                    """,
                arguments: [course.id])
            {
                perLesson[row["lesson_id"]] = row["learners"]
            }
            return CourseStatistics(
                course: course, contentCapacity: contentCapacity, completed: completed, certificatesIssued: certificates?["issued"] ?? 0,
                certificatesRevoked: certificates?["revoked"] ?? 0,
                lessonCompletions: course.lessons.map { ($0, perLesson[$0.id] ?? 0) })
        }
    }

    /// Opens or closes enrolment now, whatever the content's dates say; `nil` goes back to the content's dates.
    /// Returns true when that changed the course, false when it was already so, nil when there is no such course.
    public func setEnrolment(slug: String, open: Bool?, now: Date = Date()) async throws -> Bool? {
        try await database.write { db -> Bool? in
            guard let row = try Row.fetchOne(db, sql: "SELECT operator_enrolment FROM course WHERE slug = ? AND is_removed = 0", arguments: [slug])
            else { return nil }
            let wanted = open.map { $0 ? "open" : "closed" }
            guard (row["operator_enrolment"] as String?) != wanted else { return false }
            try db.execute(
                sql: "UPDATE course SET operator_enrolment = ?, operator_enrolment_at = ? WHERE slug = ? AND is_removed = 0",
                arguments: [wanted, open == nil ? nil : now, slug])
            try Self.courseEvent(db, .enrolmentSwitched, slug: slug, now: now)
            try Self.promoteWaiting(db, slug: slug, now: now)
            return true
        }
    }

    /// Sets the seats (`.some(nil)` lifts the cap); `nil` goes back to the content's capacity. Seats already taken are
    /// never withdrawn: a capacity below the enrolled count only stops new enrolments. Returns true when that changed
    /// the course, false when it was already so, nil when there is no such course.
    public func setCapacity(slug: String, _ capacity: Int??, now: Date = Date()) async throws -> Bool? {
        try await database.write { db -> Bool? in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT operator_capacity_set, operator_capacity FROM course WHERE slug = ? AND is_removed = 0", arguments: [slug])
            else { return nil }
            let isSet = capacity != nil
            let value: Int? = capacity ?? nil
            guard (row["operator_capacity_set"] as Bool? ?? false) != isSet || (row["operator_capacity"] as Int?) != value else { return false }
            try db.execute(
                sql: "UPDATE course SET operator_capacity_set = ?, operator_capacity = ? WHERE slug = ? AND is_removed = 0",
                arguments: [isSet, value, slug])
            try Self.courseEvent(db, .seatsChanged, slug: slug, now: now)
            try Self.promoteWaiting(db, slug: slug, now: now)
            return true
        }
    }

    /// A change to the course itself, told to whoever follows the course.
    static func courseEvent(_ db: Database, _ kind: EventKind, slug: String, now: Date) throws {
        let id = try Int64.fetchOne(db, sql: "SELECT id FROM course WHERE slug = ?", arguments: [slug])
        try SQLiteEventLog.append(db, kind, userID: nil, subjectID: id, courseID: id, now: now)
    }

    /// Seats a course gained (more capacity, enrolment opened) go to its waitlist at once.
    static func promoteWaiting(_ db: Database, slug: String, now: Date) throws {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM course WHERE slug = ?", arguments: [slug]) else { return }
        try Seats.promote(db, courseID: id, now: now)
    }
}
