import Foundation
import LecternCore

/// `CourseStore` in PostgreSQL.
struct PostgresCourseStore: CourseStore {
    let database: PostgresSiteDatabase

    // Titles and slugs are ordered COLLATE "C": in code point order, as SQLite's BINARY collation orders them,
    // whatever the database's locale.

    func featured() async throws -> CourseSummary? {
        try await database.read { runner in
            try await runner.one(
                """
                SELECT slug, title, subtitle, level, duration, price, summary, benefits FROM course WHERE NOT is_removed
                ORDER BY is_featured DESC, title COLLATE "C" LIMIT 1
                """, CourseSummary.init(columns:))
        }
    }

    func catalogue() async throws -> [CourseDetail] {
        try await database.read { runner in try await Self.courses(runner, slug: nil) }
    }

    func course(slug: String) async throws -> CourseDetail? {
        try await database.read { runner in try await Self.course(runner, slug: slug) }
    }

    static func course(_ runner: QueryRunner, slug: String) async throws -> CourseDetail? {
        try await courses(runner, slug: slug).first
    }

    /// The courses on offer (the one with `slug`, or all) with their lessons and enrolment counts, read with one
    /// query each.
    static func courses(_ runner: QueryRunner, slug: String?) async throws -> [CourseDetail] {
        var courses = try await runner.all(
            """
            SELECT * FROM course WHERE NOT is_removed AND (\(slug)::text IS NULL OR slug = \(slug))
            ORDER BY is_featured DESC, title COLLATE "C"
            """, CourseDetail.init(columns:))
        guard !courses.isEmpty else { return [] }
        let ids = courses.map(\.id)
        let lessonRows = try await runner.all(
            """
            SELECT * FROM lesson WHERE course_id = ANY(\(ids)) AND NOT is_removed ORDER BY course_id, position, slug COLLATE "C"
            """
        ) { (courseID: try $0["course_id"] as Int64, lesson: try LessonSummary(columns: $0)) }
        var lessons: [Int64: [LessonSummary]] = [:]
        for row in lessonRows { lessons[row.courseID, default: []].append(row.lesson) }
        let enrolledRows = try await runner.all("SELECT course_id, count(*) AS n FROM enrolment WHERE course_id = ANY(\(ids)) GROUP BY course_id") {
            (courseID: try $0["course_id"] as Int64, count: try $0["n"] as Int)
        }
        var enrolled: [Int64: Int] = [:]
        for row in enrolledRows { enrolled[row.courseID] = row.count }
        let listRows = try await runner.all(
            """
            SELECT course_id, 'pending' AS list, count(*) AS n FROM enrolment_request
            WHERE course_id = ANY(\(ids)) AND status = 'pending' GROUP BY course_id
            UNION ALL SELECT course_id, 'waiting', count(*) FROM waitlist WHERE course_id = ANY(\(ids)) GROUP BY course_id
            """
        ) { (courseID: try $0["course_id"] as Int64, list: try $0["list"] as String, count: try $0["n"] as Int) }
        var pending: [Int64: Int] = [:]
        var waiting: [Int64: Int] = [:]
        for row in listRows {
            if row.list == "pending" { pending[row.courseID] = row.count } else { waiting[row.courseID] = row.count }
        }
        for index in courses.indices {
            let id = courses[index].id
            courses[index].lessons = lessons[id] ?? []
            courses[index].enrolledCount = enrolled[id] ?? 0
            courses[index].pendingRequests = pending[id] ?? 0
            courses[index].waitingCount = waiting[id] ?? 0
        }
        return courses
    }
}

extension CourseDetail {
    /// A course's row, before its lessons and counts are read.
    init(columns row: Columns) throws {
        let settings = try OperatorCourseSettings(columns: row)
        self.init(
            id: try row["id"],
            summary: try CourseSummary(columns: row),
            capacity: settings.effectiveCapacity(content: try row["capacity"] as Int?),
            enrolmentOpens: try row["enrolment_opens"],
            enrolmentCloses: try row["enrolment_closes"],
            outcomes: JSONColumn.decode(try row["outcomes"] as String?),
            instructors: JSONColumn.decode(try row["instructors"] as String?),
            modules: JSONColumn.decode(try row["modules"] as String?),
            descriptionHTML: try row["description_html"],
            lessons: [],
            enrolledCount: 0
        )
        operatorSettings = settings
        quizRetryMinutes = try row["quiz_retry_minutes"] as Int? ?? 0
        moduleOpensAfterDays = JSONColumn.decode([Int].self, try row["module_schedule"] as String?) ?? []
        startsOn = try row["starts_on"]
        enrolmentMode = EnrolmentMode(rawValue: try row["enrolment_mode"] as String? ?? "") ?? .open
        priceIncludes = try row["price_includes"]
    }
}

extension LessonSummary {
    init(columns row: Columns) throws {
        self.init(
            id: try row["id"], slug: try row["slug"], position: try row["position"], title: try row["title"], module: try row["module"],
            isOptional: try row["is_optional"], readingMinutes: try row["reading_minutes"])
        kind = LessonKind(rawValue: try row["kind"] as String? ?? "") ?? .lesson
        isPreview = try row["is_preview"] as Bool? ?? false
        exerciseMinutes = try row["exercise_minutes"] as Int? ?? 0
        hasQuiz = try row["quiz"] as String? != nil
    }
}

extension CourseSummary {
    init(columns row: Columns) throws {
        self.init(
            slug: try row["slug"],
            title: try row["title"],
            subtitle: try row["subtitle"],
            level: try row["level"],
            duration: try row["duration"],
            price: try row["price"],
            summary: try row["summary"],
            benefits: JSONColumn.decode(try row["benefits"] as String?)
        )
    }
}
