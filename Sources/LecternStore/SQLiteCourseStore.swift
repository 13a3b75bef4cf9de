import Foundation
import GRDB
import LecternCore

/// `CourseStore` in SQLite, through GRDB.
public struct SQLiteCourseStore: CourseStore {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    /// The course marked `featured: true`, else the first course by title; nil when there is none.
    public func featured() async throws -> CourseSummary? {
        try await database.readHere { db in
            try Row.fetchOne(
                db,
                cachedSQL(
                    "SELECT slug, title, subtitle, level, duration, price, summary, benefits FROM course WHERE is_removed = 0 ORDER BY is_featured DESC, title LIMIT 1"
                )
            ).map(CourseSummary.init(row:))
        }
    }
}

extension SQLiteCourseStore {
    /// Every course on offer, featured first, then by title: three queries in one read, whatever the number of courses.
    public func catalogue() async throws -> [CourseDetail] {
        try await database.pool.read { db in try Self.courses(db, where: "1 = 1", arguments: []) }
    }

    /// A course with its syllabus (lessons in order) and how many are enrolled.
    public func course(slug: String) async throws -> CourseDetail? {
        try await database.pool.read { db in try Self.course(db, slug: slug) }
    }

    static func course(_ db: Database, slug: String) throws -> CourseDetail? {
        try courses(db, where: "course.slug = ?", arguments: [slug]).first
    }

    /// Courses matching `condition` with their lessons and enrolment counts, read with one query each.
    static func courses(_ db: Database, where condition: String, arguments: StatementArguments) throws -> [CourseDetail] {
        let rows = try Row.fetchAll(
            db, cachedSQL("SELECT * FROM course WHERE is_removed = 0 AND \(condition) ORDER BY is_featured DESC, title", arguments))
        guard !rows.isEmpty else { return [] }
        let ids: [Int64] = rows.map { $0["id"] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        var lessons: [Int64: [LessonSummary]] = [:]
        for row in try Row.fetchAll(
            db, cachedSQL("SELECT * FROM lesson WHERE course_id IN (\(marks)) AND is_removed = 0 ORDER BY course_id, position, slug", StatementArguments(ids)))
        {
            lessons[row["course_id"], default: []].append(LessonSummary(row: row))
        }
        var enrolled: [Int64: Int] = [:]
        for row in try Row.fetchAll(
            db, cachedSQL("SELECT course_id, count(*) AS n FROM enrolment WHERE course_id IN (\(marks)) GROUP BY course_id", StatementArguments(ids)))
        {
            enrolled[row["course_id"]] = row["n"]
        }
        var pending: [Int64: Int] = [:]
        var waiting: [Int64: Int] = [:]
        for row in try Row.fetchAll(
            db,
            cachedSQL(
                """
                SELECT course_id, 'pending' AS list, count(*) AS n FROM enrolment_request WHERE course_id IN (\(marks)) AND status = 'pending' GROUP BY course_id
                UNION ALL SELECT course_id, 'waiting', count(*) FROM waitlist WHERE course_id IN (\(marks)) GROUP BY course_id
                """, StatementArguments(ids + ids)))
        {
            if row["list"] == "pending" { pending[row["course_id"]] = row["n"] } else { waiting[row["course_id"]] = row["n"] }
        }
        return rows.map { row in
            let id: Int64 = row["id"]
            let settings = OperatorCourseSettings(row: row)
            var detail = CourseDetail(
                id: id,
                summary: CourseSummary(row: row),
                capacity: settings.effectiveCapacity(content: row["capacity"]),
                enrolmentOpens: row["enrolment_opens"],
                enrolmentCloses: row["enrolment_closes"],
                outcomes: JSONColumn.decode(row["outcomes"]),
                instructors: JSONColumn.decode(row["instructors"]),
                modules: JSONColumn.decode(row["modules"]),
                descriptionHTML: row["description_html"],
                lessons: lessons[id] ?? [],
                enrolledCount: enrolled[id] ?? 0
            )
            detail.operatorSettings = settings
            detail.quizRetryMinutes = row["quiz_retry_minutes"] ?? 0
            detail.moduleOpensAfterDays = JSONColumn.decode([Int].self, row["module_schedule"]) ?? []
            detail.startsOn = row["starts_on"]
            detail.enrolmentMode = EnrolmentMode(rawValue: row["enrolment_mode"] ?? "") ?? .open
            detail.priceIncludes = row["price_includes"]
            detail.pendingRequests = pending[id] ?? 0
            detail.waitingCount = waiting[id] ?? 0
            return detail
        }
    }
}

extension LessonSummary {
    init(row: Row) {
        self.init(
            id: row["id"], slug: row["slug"], position: row["position"], title: row["title"], module: row["module"], isOptional: row["is_optional"],
            readingMinutes: row["reading_minutes"])
        kind = LessonKind(rawValue: row["kind"] ?? "") ?? .lesson
        isPreview = row["is_preview"] ?? false
        exerciseMinutes = row["exercise_minutes"] ?? 0
        hasQuiz = (row["quiz"] as String?) != nil
    }
}

extension CourseSummary {
    init(row: Row) {
        self.init(
            slug: row["slug"],
            title: row["title"],
            subtitle: row["subtitle"],
            level: row["level"],
            duration: row["duration"],
            price: row["price"],
            summary: row["summary"],
            benefits: JSONColumn.decode(row["benefits"])
        )
    }
}

extension OperatorCourseSettings {
    init(row: Row) {
        var settings = OperatorCourseSettings()
        let since: Date = row["operator_enrolment_at"] ?? Date(timeIntervalSince1970: 0)
        switch row["operator_enrolment"] as String? {
        case "open": settings.enrolment = .open(since: since)
        case "closed": settings.enrolment = .closed(since: since)
        default: break
        }
        if row["operator_capacity_set"] as Bool? == true { settings.capacity = .some(row["operator_capacity"] as Int?) }
        self = settings
    }

    func effectiveCapacity(content: Int?) -> Int? {
        capacity ?? content
    }
}
