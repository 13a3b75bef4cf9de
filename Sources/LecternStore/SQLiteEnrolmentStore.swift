import Foundation
import GRDB
import LecternCore

/// `EnrolmentStore` in SQLite, through GRDB.
public struct SQLiteEnrolmentStore: EnrolmentStore {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    /// Enrols `userID` if the course is open and has a seat. A second request (a double click) changes nothing.
    /// The seat count and the insert share one immediate transaction, so concurrent requests never overfill a course.
    /// A learner enrols themselves only on an `open` course; `byOperator` (the CLI) enrols on any. An operator's
    /// `overCapacityReason` admits the learner to a full course, and is recorded with the enrolment; the course's dates
    /// still apply.
    public func enrol(
        userID: Int64, courseID: Int64, byOperator: Bool = false, overCapacityReason: String? = nil, now: Date = Date()
    ) async throws -> EnrolmentOutcome {
        try await database.write { db in
            try Seats.serveQueueFirst(db, courseID: courseID, now: now)
            if try Seats.isEnrolled(db, userID: userID, courseID: courseID) { return .alreadyEnrolled }
            guard let course = try Seats.state(db, courseID: courseID, now: now) else { return .refused(.closed(now)) }
            switch course.admission(byOperator: byOperator, overCapacityReason: overCapacityReason) {
            case .refuse(let outcome):
                return outcome
            case .enrol(let reason):
                // A pending request for this course is settled by the enrolment (an operator admitted the learner).
                try db.execute(
                    sql: "UPDATE enrolment_request SET status = 'approved', decided_at = ? WHERE user_id = ? AND course_id = ? AND status = 'pending'",
                    arguments: [now, userID, courseID])
                try Seats.enrol(db, userID: userID, courseID: courseID, now: now, overCapacityReason: reason)
                return .enrolled
            }
        }
    }

    /// Leaves a course. Completions are kept, so re-enrolling picks up where the learner left off. The freed seat goes
    /// to the first learner waiting, in the same transaction. Returns false when the learner was not enrolled.
    @discardableResult
    public func leave(userID: Int64, courseID: Int64, now: Date = Date()) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM enrolment WHERE user_id = ? AND course_id = ?", arguments: [userID, courseID])
            guard db.changesCount > 0 else { return false }
            try SQLiteEventLog.append(db, .left, userID: userID, subjectID: courseID, courseID: courseID, now: now)
            try Seats.promote(db, courseID: courseID, now: now)
            return true
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
            try Self.requireOpen(db, userID: userID, lessonID: lessonID, now: now)
            return try Self.markComplete(db, userID: userID, courseID: courseID, lessonID: lessonID, learnerName: learnerName, now: now)
        }
    }

    /// Records a completion and issues the certificate when it was the last required lesson; the caller has checked
    /// that the lesson may be completed. Returns the course's certificate code, if any.
    static func markComplete(_ db: Database, userID: Int64, courseID: Int64, lessonID: Int64, learnerName: String, now: Date) throws -> String? {
        try db.execute(
            sql: "INSERT OR IGNORE INTO lesson_completion (user_id, lesson_id, completed_at) VALUES (?, ?, ?)", arguments: [userID, lessonID, now])
        if db.changesCount > 0 { try SQLiteEventLog.append(db, .lessonCompleted, userID: userID, subjectID: lessonID, courseID: courseID, now: now) }
        return try issueIfDue(db, userID: userID, courseID: courseID, learnerName: learnerName, now: now)
    }

    /// Issues the learner's certificate when every required lesson is done and none is current yet; returns the
    /// current certificate's code, if any. A certificate waits while the learner's address is unverified (it names
    /// a person the school has not yet been able to reach): `EmailVerificationStore` issues it when they verify.
    static func issueIfDue(_ db: Database, userID: Int64, courseID: Int64, learnerName: String, now: Date) throws -> String? {
        // One current certificate per learner and course; a revoked one stays until an operator acts, and certifies nothing.
        if let current = try Row.fetchOne(
            db, sql: "SELECT code, revoked_at FROM certificate WHERE user_id = ? AND course_id = ? AND replaced_by IS NULL",
            arguments: [userID, courseID])
        {
            return (current["revoked_at"] as Date?) == nil ? current["code"] : nil
        }
        let progress = try Self.progress(db, userID: userID, courseID: courseID)
        guard progress.isComplete,
            try Bool.fetchOne(db, sql: "SELECT email_verified_at IS NOT NULL FROM users WHERE id = ?", arguments: [userID]) == true
        else { return nil }
        let course = try Row.fetchOne(db, sql: "SELECT title, slug FROM course WHERE id = ?", arguments: [courseID])
        let assessment = try Self.assessment(db, userID: userID, courseID: courseID, lessonsCompleted: progress.completedRequired)
        let code = Certificate.makeCode()
        try db.execute(
            sql: """
                INSERT INTO certificate (code, user_id, course_id, learner_name, course_title, course_slug, completed_at, issued_at, course_version,
                    lessons_completed, quizzes_passed, quiz_average, checkpoints_approved)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                code, userID, courseID, learnerName, course?["title"] ?? "", course?["slug"] ?? "", now, now, assessment.courseVersion,
                assessment.lessonsCompleted, assessment.quizzesPassed, assessment.quizAverage, assessment.checkpointsApproved,
            ])
        try SQLiteEventLog.append(db, .certificateIssued, userID: userID, subjectID: db.lastInsertedRowID, courseID: courseID, now: now)
        return code
    }

    /// What a certificate for this learner and course certifies, from the required lessons: their knowledge checks
    /// (best score of each) and their approved checkpoints; and the course's content version.
    static func assessment(_ db: Database, userID: Int64, courseID: Int64, lessonsCompleted: Int) throws -> CertificateAssessment {
        let quizzes = try Row.fetchOne(
            db,
            sql: """
                SELECT count(*) AS passed, round(avg(best)) AS average FROM (
                    SELECT max(quiz_attempt.score) AS best FROM quiz_attempt JOIN lesson ON lesson.id = quiz_attempt.lesson_id
                    WHERE quiz_attempt.user_id = ? AND lesson.course_id = ? AND lesson.is_removed = 0 AND lesson.is_optional = 0
                        AND lesson.quiz IS NOT NULL
                    GROUP BY quiz_attempt.lesson_id HAVING max(quiz_attempt.passed) = 1)
                """, arguments: [userID, courseID])
        let checkpoints =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(DISTINCT lesson.id) FROM checkpoint_submission JOIN lesson ON lesson.id = checkpoint_submission.lesson_id
                    WHERE checkpoint_submission.user_id = ? AND checkpoint_submission.status = 'approved' AND lesson.course_id = ?
                        AND lesson.is_removed = 0 AND lesson.is_optional = 0
                    """, arguments: [userID, courseID]) ?? 0
        let passed: Int = quizzes?["passed"] ?? 0
        let average: Double? = quizzes?["average"]
        return CertificateAssessment(
            lessonsCompleted: lessonsCompleted, quizzesPassed: passed, averageBest: average, checkpointsApproved: checkpoints,
            courseVersion: try courseVersion(db, courseID: courseID))
    }

    /// The date the course's content last changed and seven hex digits of a hash over its files' hashes: two learners
    /// certified on the same version took the same lessons and checks.
    static func courseVersion(_ db: Database, courseID: Int64) throws -> String {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT content_hash, updated_at FROM course WHERE id = ?
                UNION ALL
                SELECT * FROM (SELECT content_hash, updated_at FROM lesson WHERE course_id = ? AND is_removed = 0 ORDER BY position, slug)
                """, arguments: [courseID, courseID])
        return CertificateAssessment.contentVersion(rows.map { (contentHash: $0["content_hash"] as String?, updatedAt: $0["updated_at"] as Date?) })
    }

    /// Throws `LessonLockedError` when the lesson's module has not opened yet for this learner (release schedule). A free
    /// preview is open to everyone, so it is never locked.
    static func requireOpen(_ db: Database, userID: Int64, lessonID: Int64, now: Date) throws {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT lesson.module, lesson.is_preview, course.modules, course.module_schedule, enrolment.enrolled_at FROM lesson
                    JOIN course ON course.id = lesson.course_id
                    JOIN enrolment ON enrolment.course_id = course.id AND enrolment.user_id = ?
                    WHERE lesson.id = ?
                    """, arguments: [userID, lessonID])
        else { return }
        if let opens = ModuleSchedule.lockedUntil(
            module: row["module"], isPreview: row["is_preview"], modules: JSONColumn.decode(row["modules"]),
            opensAfterDays: JSONColumn.decode([Int].self, row["module_schedule"]) ?? [], enrolledAt: row["enrolled_at"], now: now)
        {
            throw LessonLockedError(opensAt: opens)
        }
    }

    /// Undoes a completion before the course is finished. Once a certificate is issued, the lessons it certifies
    /// stay complete, so the course page, the dashboard and the certificate keep telling the same story.
    public func undo(userID: Int64, lessonID: Int64) async throws {
        try await database.write { db in
            if let issued = try Date.fetchOne(
                db,
                sql: """
                    SELECT certificate.completed_at FROM certificate JOIN lesson ON lesson.course_id = certificate.course_id
                    WHERE lesson.id = ? AND certificate.user_id = ? AND certificate.replaced_by IS NULL AND certificate.revoked_at IS NULL
                    """, arguments: [lessonID, userID])
            {
                throw CourseCertifiedError(issuedAt: issued)
            }
            try db.execute(sql: "DELETE FROM lesson_completion WHERE user_id = ? AND lesson_id = ?", arguments: [userID, lessonID])
        }
    }

    /// Remembers the lesson a learner opened last, for the dashboard's "Continue"; writes only when the place moved.
    public func rememberPlace(userID: Int64, courseID: Int64, lessonID: Int64) async throws {
        try await database.write(changesPublicPages: false) { db in
            try db.execute(
                sql: "UPDATE enrolment SET last_lesson_id = ? WHERE user_id = ? AND course_id = ? AND last_lesson_id IS NOT ?",
                arguments: [lessonID, userID, courseID, lessonID])
        }
    }

    /// The courses a learner is enrolled in, with progress: one read, a fixed number of queries for any number of courses.
    public func courses(of userID: Int64) async throws -> [LearnerCourseEntry] {
        try await database.pool.read { db in try Self.courses(db, of: userID) }
    }

    static func courses(_ db: Database, of userID: Int64) throws -> [LearnerCourseEntry] {
        let rows = try Row.fetchAll(
            db,
            cachedSQL(
                """
                SELECT course.id, course.slug, course.title, enrolment.last_lesson_id,
                    (SELECT completed_at FROM certificate WHERE certificate.user_id = enrolment.user_id AND certificate.course_id = course.id
                        AND certificate.replaced_by IS NULL AND certificate.revoked_at IS NULL) AS certified_at
                FROM enrolment JOIN course ON course.id = enrolment.course_id
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
            LearnerCourseEntry(
                slug: row["slug"], title: row["title"], syllabus: lessons[row["id"]] ?? [], completed: done, lastLessonID: row["last_lesson_id"],
                certifiedAt: row["certified_at"])
        }
    }

    /// A learner's dashboard: their courses with progress and their certificates, in one read.
    public func dashboard(of userID: Int64) async throws -> (courses: [LearnerCourseEntry], certificates: [Certificate]) {
        try await database.readHere { db in (try Self.courses(db, of: userID), try Self.certificates(db, of: userID)) }
    }

    /// What a course page needs for one visitor, in one read: the course and its syllabus and, for a signed-in
    /// learner, their enrolment, progress and certificate, and the body of `lessonSlug` when one is asked for.
    public func learnerCourse(slug: String, userID: Int64?, lessonSlug: String? = nil) async throws -> LearnerCourse? {
        try await database.readHere { db -> LearnerCourse? in
            guard let course = try SQLiteCourseStore.course(db, slug: slug) else { return nil }
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
            if let enrolment = try Row.fetchOne(
                db, cachedSQL("SELECT enrolled_at, last_lesson_id FROM enrolment WHERE user_id = ? AND course_id = ?", [userID, course.id]))
            {
                view.isEnrolled = true
                view.enrolledAt = enrolment["enrolled_at"]
                view.lastLessonID = enrolment["last_lesson_id"]
            } else {
                view.waitlistPosition = try Seats.position(db, userID: userID, courseID: course.id)
                if course.enrolmentMode == .approval { view.request = try SQLiteEnrolmentRequestStore.latest(db, userID: userID, courseID: course.id) }
            }
            let done = Set(
                try Int64.fetchAll(
                    db,
                    cachedSQL(
                        """
                        SELECT lesson_completion.lesson_id FROM lesson_completion JOIN lesson ON lesson.id = lesson_completion.lesson_id
                        WHERE lesson_completion.user_id = ? AND lesson.course_id = ?
                        """, [userID, course.id])))
            view.progress = CourseProgress(course.lessons, completed: done)
            if let certificate = try Row.fetchOne(
                db,
                cachedSQL(
                    "SELECT code, completed_at FROM certificate WHERE user_id = ? AND course_id = ? AND replaced_by IS NULL AND revoked_at IS NULL",
                    [userID, course.id]))
            {
                view.certificateCode = certificate["code"]
                view.certifiedAt = certificate["completed_at"]
            }
        }
        if let lessonSlug {
            // A lesson whose module has not opened for this learner yields nothing: its text, quiz and form stay on the server.
            if let lesson = course.lessons.first(where: { $0.slug == lessonSlug }),
                let opens = course.lockedUntil(lesson, enrolledAt: view.enrolledAt, now: Date())
            {
                view.lessonOpensAt = opens
                return view
            }
            view.lessonHTML = try String.fetchOne(
                db, cachedSQL("SELECT body_html FROM lesson WHERE course_id = ? AND slug = ? AND is_removed = 0", [course.id, lessonSlug]))
            if let lesson = course.lessons.first(where: { $0.slug == lessonSlug }) {
                if lesson.hasQuiz { view.lessonQuiz = try SQLiteQuizStore.quiz(db, lessonID: lesson.id, userID: userID) }
                if lesson.kind == .checkpoint, let userID {
                    view.submissions = try SQLiteCheckpointStore.submissions(db, userID: userID, lessonID: lesson.id)
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
        try Row.fetchAll(db, cachedSQL("SELECT * FROM certificate WHERE user_id = ? AND replaced_by IS NULL ORDER BY completed_at DESC", [userID])).map(
            Certificate.init(row:))
    }

    public func certificate(code: String) async throws -> Certificate? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM certificate WHERE code = ?", arguments: [code]).map(Certificate.init(row:))
        }
    }

    /// Issues a corrected certificate under a new code, with the same course, date and assessment, in `name` (or the
    /// learner's current name), and marks the old one as replaced by it. Returns the new certificate.
    public func reissue(code: String, name: String?, now: Date = Date()) async throws -> Certificate {
        try await database.write { db in
            guard let old = try Row.fetchOne(db, sql: "SELECT * FROM certificate WHERE code = ?", arguments: [code]) else {
                throw CertificateReissueError.unknownCode(code)
            }
            if let refusal = CertificateReissueError.refusal(replacedBy: old["replaced_by"], revokedAt: old["revoked_at"]) { throw refusal }
            var learnerName = name
            if learnerName == nil, let userID: Int64 = old["user_id"] {
                learnerName = try String.fetchOne(db, sql: "SELECT name FROM users WHERE id = ?", arguments: [userID])
            }
            guard let learnerName else { throw CertificateReissueError.nameNeeded }
            let newCode = Certificate.makeCode()
            try db.execute(sql: "UPDATE certificate SET replaced_by = ?, replaced_at = ? WHERE code = ?", arguments: [newCode, now, code])
            try db.execute(
                sql: """
                    INSERT INTO certificate (code, user_id, course_id, learner_name, course_title, course_slug, completed_at, issued_at, course_version,
                        lessons_completed, quizzes_passed, quiz_average, checkpoints_approved)
                    SELECT ?, user_id, course_id, ?, course_title, course_slug, completed_at, ?, course_version, lessons_completed, quizzes_passed,
                        quiz_average, checkpoints_approved
                    FROM certificate WHERE code = ?
                    """, arguments: [newCode, learnerName, now, code])
            try SQLiteEventLog.append(
                db, .certificateIssued, userID: old["user_id"], subjectID: db.lastInsertedRowID, courseID: old["course_id"], now: now)
            return try Certificate(row: Row.fetchOne(db, sql: "SELECT * FROM certificate WHERE code = ?", arguments: [newCode])!)
        }
    }

    /// Revokes a certificate; returns false when the code is unknown.
    public func revoke(code: String, reason: String, now: Date = Date()) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE certificate SET revoked_at = ?, revoke_reason = ? WHERE code = ? AND revoked_at IS NULL", arguments: [now, reason, code])
            guard db.changesCount > 0 else { return false }
            if let revoked = try Row.fetchOne(db, sql: "SELECT id, user_id, course_id FROM certificate WHERE code = ?", arguments: [code]) {
                try SQLiteEventLog.append(db, .certificateRevoked, userID: revoked["user_id"], subjectID: revoked["id"], courseID: revoked["course_id"], now: now)
            }
            return true
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
        return CourseProgress(completed: rows.map { (id: $0["id"] as Int64, isOptional: $0["is_optional"] as Bool) }, required: required)
    }
}

/// One visitor's view of a course, read in one transaction (see `SQLiteEnrolmentStore.learnerCourse`).
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
    public var enrolledAt: Date?
    /// The lesson the learner opened last (their place).
    public var lastLessonID: Int64?
    /// When the learner's current certificate for this course was issued.
    public var certifiedAt: Date?
    /// Set instead of the lesson's body when the asked-for lesson's module opens later for this learner.
    public var lessonOpensAt: Date?
    /// The learner's place in the waitlist (1 is next), when they wait for a seat.
    public var waitlistPosition: Int?
    /// The learner's latest request for a place, on an approval course.
    public var request: EnrolmentRequest?

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
        replacedBy = row["replaced_by"]
        replacedAt = row["replaced_at"]
        if let version: String = row["course_version"] {
            assessment = CertificateAssessment(
                lessonsCompleted: row["lessons_completed"] ?? 0, quizzesPassed: row["quizzes_passed"] ?? 0, quizAverage: row["quiz_average"],
                checkpointsApproved: row["checkpoints_approved"] ?? 0, courseVersion: version)
        }
    }
}

/// One of a learner's courses on their dashboard.
public struct LearnerCourseEntry: Sendable {
    public var slug: String
    public var title: String
    public var progress: CourseProgress
    /// The first lesson not yet done (required ones first).
    public var nextLesson: LessonSummary?
    /// The lesson the learner opened last, where "Continue" takes them.
    public var lastLesson: LessonSummary?
    /// When the learner's certificate for this course was issued.
    public var certifiedAt: Date?
}

/// Why `lectern certificate reissue` refused.
public enum CertificateReissueError: Error, Sendable, Equatable {
    case unknownCode(String)
    case alreadyReplaced(by: String)
    case revoked
    case nameNeeded

    public var message: String {
        switch self {
        case .unknownCode(let code): "no certificate has the code \(code): check it with 'lectern certificate list'"
        case .alreadyReplaced(let newer): "this certificate was already replaced by \(newer): reissue that one instead"
        case .revoked: "this certificate is revoked: a revoked certificate is not reissued"
        case .nameNeeded: "the learner's account no longer exists: give the name to print with --name"
        }
    }
}

/// Undoing a lesson of a course the learner holds a certificate for.
public struct CourseCertifiedError: Error, Sendable, Equatable {
    public var issuedAt: Date
}
