import Foundation
import GRDB
import LecternCore

/// Enrolments, lesson completions and the certificates they lead to. Every rule about seats, dates and
/// certificates is applied here, in one transaction, for the web and the CLI alike.
public struct EnrolmentStore: Sendable {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    /// Enrols `userID` if the course is open and has a seat. A second request (a double click) changes nothing.
    /// The seat count and the insert share one immediate transaction, so concurrent requests never overfill a course.
    public func enrol(userID: Int64, courseID: Int64, now: Date = Date()) async throws -> EnrolmentOutcome {
        try await database.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM enrolment WHERE user_id = ? AND course_id = ?", arguments: [userID, courseID]) == true {
                return .alreadyEnrolled
            }
            guard let course = try Row.fetchOne(db, sql: "SELECT * FROM course WHERE id = ? AND is_removed = 0", arguments: [courseID]) else {
                return .refused(.closed(now))
            }
            let taken = try Int.fetchOne(db, sql: "SELECT count(*) FROM enrolment WHERE course_id = ?", arguments: [courseID]) ?? 0
            let settings = OperatorCourseSettings(row: course)
            let state = EnrolmentRule.state(
                at: now, opens: course["enrolment_opens"], closes: course["enrolment_closes"], override: settings.enrolment,
                capacity: settings.effectiveCapacity(content: course["capacity"]), enrolled: taken)
            guard state == .open else { return .refused(state) }
            try db.execute(sql: "INSERT INTO enrolment (user_id, course_id, enrolled_at) VALUES (?, ?, ?)", arguments: [userID, courseID, now])
            return .enrolled
        }
    }

    /// Leaves a course. Completions are kept, so re-enrolling picks up where the learner left off.
    /// Returns false when the learner was not enrolled (nothing to do).
    @discardableResult
    public func leave(userID: Int64, courseID: Int64) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM enrolment WHERE user_id = ? AND course_id = ?", arguments: [userID, courseID])
            return db.changesCount > 0
        }
    }

    public func progress(userID: Int64, courseID: Int64) async throws -> CourseProgress {
        try await database.pool.read { db in try Self.progress(db, userID: userID, courseID: courseID) }
    }

    /// Marks a lesson complete; when that completes the last required lesson, issues the certificate (once).
    /// Returns the certificate code when one exists for this course afterwards. A lesson with a knowledge check
    /// completes only once it is passed, a checkpoint only by an instructor's approval (`LessonCompletionRule`):
    /// checked here, in the write, so no route around it exists.
    @discardableResult
    public func complete(userID: Int64, courseID: Int64, lessonID: Int64, learnerName: String, now: Date = Date()) async throws -> String? {
        try await database.write { db in
            guard
                let lesson = try Row.fetchOne(
                    db, sql: "SELECT kind, quiz IS NOT NULL AS has_quiz FROM lesson WHERE id = ? AND course_id = ?", arguments: [lessonID, courseID])
            else { return nil }
            let passed =
                try Bool.fetchOne(db, sql: "SELECT 1 FROM quiz_attempt WHERE user_id = ? AND lesson_id = ? AND passed", arguments: [userID, lessonID])
                ?? false
            try LessonCompletionRule.check(kind: LessonKind(rawValue: lesson["kind"]) ?? .lesson, hasQuiz: lesson["has_quiz"], quizPassed: passed)
            return try Self.markComplete(db, userID: userID, courseID: courseID, lessonID: lessonID, learnerName: learnerName, now: now)
        }
    }

    /// Records a completion and issues the certificate when it was the last required lesson; the caller has checked
    /// that the lesson may be completed. Returns the course's certificate code, if any.
    static func markComplete(_ db: Database, userID: Int64, courseID: Int64, lessonID: Int64, learnerName: String, now: Date) throws -> String? {
        try db.execute(
            sql: "INSERT OR IGNORE INTO lesson_completion (user_id, lesson_id, completed_at) VALUES (?, ?, ?)", arguments: [userID, lessonID, now])
        if let code = try String.fetchOne(db, sql: "SELECT code FROM certificate WHERE user_id = ? AND course_id = ?", arguments: [userID, courseID])
        {
            return code
        }
        guard try Self.progress(db, userID: userID, courseID: courseID).isComplete else { return nil }
        let course = try Row.fetchOne(db, sql: "SELECT title, slug FROM course WHERE id = ?", arguments: [courseID])
        let code = Certificate.makeCode()
        try db.execute(
            sql: """
                INSERT INTO certificate (code, user_id, course_id, learner_name, course_title, course_slug, completed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [code, userID, courseID, learnerName, course?["title"] ?? "", course?["slug"] ?? "", now])
        return code
    }

    /// Undoes a completion. An issued certificate stays: it records what was achieved.
    public func undo(userID: Int64, lessonID: Int64) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM lesson_completion WHERE user_id = ? AND lesson_id = ?", arguments: [userID, lessonID])
        }
    }

    /// The courses a learner is enrolled in, with progress: one read, a fixed number of queries for any number of courses.
    public func courses(of userID: Int64) async throws -> [(slug: String, title: String, progress: CourseProgress, nextLesson: LessonSummary?)] {
        try await database.pool.read { db in try Self.courses(db, of: userID) }
    }

    static func courses(_ db: Database, of userID: Int64) throws -> [(
        slug: String, title: String, progress: CourseProgress, nextLesson: LessonSummary?
    )] {
        let rows = try Row.fetchAll(
            db,
            cachedSQL(
                """
                SELECT course.id, course.slug, course.title FROM enrolment JOIN course ON course.id = enrolment.course_id
                WHERE enrolment.user_id = ? AND course.is_removed = 0 ORDER BY enrolment.enrolled_at DESC
                """, [userID]))
        guard !rows.isEmpty else { return [] }
        var lessons: [Int64: [LessonSummary]] = [:]
        for row in try Row.fetchAll(
            db,
            cachedSQL(
                """
                SELECT lesson.* FROM lesson JOIN enrolment ON enrolment.course_id = lesson.course_id AND enrolment.user_id = ?
                WHERE lesson.is_removed = 0 ORDER BY lesson.course_id, lesson.position, lesson.slug
                """, [userID]))
        {
            lessons[row["course_id"], default: []].append(LessonSummary(row: row))
        }
        let done = Set(
            try Int64.fetchAll(
                db,
                cachedSQL(
                    """
                    SELECT lesson_completion.lesson_id FROM lesson_completion JOIN enrolment ON enrolment.user_id = lesson_completion.user_id
                    JOIN lesson ON lesson.id = lesson_completion.lesson_id AND lesson.course_id = enrolment.course_id
                    WHERE lesson_completion.user_id = ?
                    """, [userID])))
        return rows.map { row in
            let syllabus = lessons[row["id"]] ?? []
            let progress = CourseProgress(syllabus, completed: done)
            let next =
                syllabus.first { !$0.isOptional && !done.contains($0.id) }
                ?? syllabus.first { !done.contains($0.id) }
            return (row["slug"], row["title"], progress, next)
        }
    }

    /// A learner's dashboard: their courses with progress and their certificates, in one read.
    public func dashboard(of userID: Int64) async throws -> (
        courses: [(slug: String, title: String, progress: CourseProgress, nextLesson: LessonSummary?)], certificates: [Certificate]
    ) {
        try await database.readHere { db in (try Self.courses(db, of: userID), try Self.certificates(db, of: userID)) }
    }

    /// What a course page needs for one visitor, in one read: the course and its syllabus and, for a signed-in
    /// learner, their enrolment, progress and certificate, and the body of `lessonSlug` when one is asked for.
    public func learnerCourse(slug: String, userID: Int64?, lessonSlug: String? = nil) async throws -> LearnerCourse? {
        try await database.readHere { db -> LearnerCourse? in
            guard let course = try CourseStore.course(db, slug: slug) else { return nil }
            return try Self.learnerCourse(db, course: course, userID: userID, lessonSlug: lessonSlug)
        }
    }

    /// The same for a course already in hand (kept in memory per site revision): one read of the learner's part.
    public func learnerCourse(course: CourseDetail, userID: Int64?, lessonSlug: String? = nil) async throws -> LearnerCourse {
        guard userID != nil || lessonSlug != nil else { return LearnerCourse(course: course) }
        return try await database.readHere { db in try Self.learnerCourse(db, course: course, userID: userID, lessonSlug: lessonSlug) }
    }

    static func learnerCourse(_ db: Database, course: CourseDetail, userID: Int64?, lessonSlug: String?) throws -> LearnerCourse {
        var view = LearnerCourse(course: course)
        if let userID {
            view.isEnrolled =
                try Bool.fetchOne(db, cachedSQL("SELECT 1 FROM enrolment WHERE user_id = ? AND course_id = ?", [userID, course.id])) == true
            let done = Set(
                try Int64.fetchAll(
                    db,
                    cachedSQL(
                        """
                        SELECT lesson_completion.lesson_id FROM lesson_completion JOIN lesson ON lesson.id = lesson_completion.lesson_id
                        WHERE lesson_completion.user_id = ? AND lesson.course_id = ?
                        """, [userID, course.id])))
            view.progress = CourseProgress(course.lessons, completed: done)
            view.certificateCode = try String.fetchOne(
                db, cachedSQL("SELECT code FROM certificate WHERE user_id = ? AND course_id = ?", [userID, course.id]))
        }
        if let lessonSlug {
            view.lessonHTML = try String.fetchOne(
                db, cachedSQL("SELECT body_html FROM lesson WHERE course_id = ? AND slug = ? AND is_removed = 0", [course.id, lessonSlug]))
            if let lesson = course.lessons.first(where: { $0.slug == lessonSlug }) {
                if lesson.hasQuiz { view.lessonQuiz = try QuizStore.quiz(db, lessonID: lesson.id, userID: userID) }
                if lesson.kind == .checkpoint, let userID {
                    view.submissions = try CheckpointStore.submissions(db, userID: userID, lessonID: lesson.id)
                }
            }
        }
        return view
    }

    /// The certificates a learner holds, newest first.
    public func certificates(of userID: Int64) async throws -> [Certificate] {
        try await database.pool.read { db in try Self.certificates(db, of: userID) }
    }

    static func certificates(_ db: Database, of userID: Int64) throws -> [Certificate] {
        try Row.fetchAll(db, cachedSQL("SELECT * FROM certificate WHERE user_id = ? ORDER BY completed_at DESC", [userID])).map(
            Certificate.init(row:))
    }

    public func certificate(code: String) async throws -> Certificate? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM certificate WHERE code = ?", arguments: [code]).map(Certificate.init(row:))
        }
    }

    /// Revokes a certificate; returns false when the code is unknown.
    public func revoke(code: String, reason: String, now: Date = Date()) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE certificate SET revoked_at = ?, revoke_reason = ? WHERE code = ? AND revoked_at IS NULL", arguments: [now, reason, code])
            return db.changesCount > 0
        }
    }

    static func progress(_ db: Database, userID: Int64, courseID: Int64) throws -> CourseProgress {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT lesson.id, lesson.is_optional FROM lesson_completion JOIN lesson ON lesson.id = lesson_completion.lesson_id
                WHERE lesson_completion.user_id = ? AND lesson.course_id = ? AND lesson.is_removed = 0
                """,
            arguments: [userID, courseID])
        let required =
            try Int.fetchOne(db, sql: "SELECT count(*) FROM lesson WHERE course_id = ? AND is_removed = 0 AND is_optional = 0", arguments: [courseID])
            ?? 0
        let completedRequired = rows.filter { !($0["is_optional"] as Bool) }.count
        return CourseProgress(completedLessonIDs: Set(rows.map { $0["id"] }), completedRequired: completedRequired, required: required)
    }
}

/// One visitor's view of a course, read in one transaction (see `EnrolmentStore.learnerCourse`).
public struct LearnerCourse: Sendable {
    public var course: CourseDetail
    public var isEnrolled = false
    /// Nil for a visitor who is not signed in.
    public var progress: CourseProgress?
    public var certificateCode: String?
    /// The asked-for lesson's HTML, when it exists.
    public var lessonHTML: String?
    /// The asked-for lesson's knowledge check and the learner's attempts, when it has one.
    public var lessonQuiz: LessonQuiz?
    /// The learner's submissions to the asked-for checkpoint, newest first.
    public var submissions: [CheckpointSubmission] = []

    public init(course: CourseDetail) {
        self.course = course
    }
}

extension CourseProgress {
    /// Progress through `lessons` (the current syllabus) given the ids of the lessons completed.
    init(_ lessons: [LessonSummary], completed: Set<Int64>) {
        let current = Set(lessons.map(\.id))
        let done = completed.intersection(current)
        let required = lessons.filter { !$0.isOptional }
        self.init(
            completedLessonIDs: done, completedRequired: required.filter { done.contains($0.id) }.count, required: required.count)
    }
}

extension Certificate {
    init(row: Row) {
        self.init(
            code: row["code"], learnerName: row["learner_name"], courseTitle: row["course_title"], courseSlug: row["course_slug"],
            completedAt: row["completed_at"], revokedAt: row["revoked_at"], revokeReason: row["revoke_reason"])
    }
}
