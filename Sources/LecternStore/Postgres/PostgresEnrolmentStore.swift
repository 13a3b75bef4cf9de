import Foundation
import LecternCore

/// `EnrolmentStore` in PostgreSQL.
struct PostgresEnrolmentStore: EnrolmentStore {
    let database: PostgresSiteDatabase

    func enrol(userID: Int64, courseID: Int64, byOperator: Bool, overCapacityReason: String?, now: Date) async throws -> EnrolmentOutcome {
        // First a plain read. A learner already enrolled stays so whatever runs beside this (leaving is their own act):
        // a second click is answered without queueing behind every enrolment on the course's lock or telling every
        // instance that the site changed. The read is kept while nothing is written anywhere (`RecentReads`), as the
        // reads of signed-in pages are: a repeat then costs no round trip. A new place is decided again under the lock.
        let seen = try await database.recentRead("seats \(courseID) \(userID)") { runner in
            try await PostgresSeats.reading(runner, courseID: courseID, userID: userID, locking: false)
        }
        if seen?.enrolled == true { return .alreadyEnrolled }
        // A plain new place, the common case, is taken in one statement that checks under the course's lock that
        // nothing it was decided on has changed; new places asked for meanwhile on this instance go together in the
        // next such statement (`WriteBatches`). Anything else, a change, or a failed batch goes the whole way below,
        // which decides again from what it reads under the lock (and answers a storage failure itself).
        if let seen, !seen.waiting, !seen.requested,
            case .enrol(overCapacityReason: nil) = seen.course(at: now).admission(byOperator: byOperator, overCapacityReason: overCapacityReason),
            (try? await takeNewPlace(.init(userID: userID, now: now), in: courseID, seen: seen)) == true
        {
            return .enrolled
        }
        return try await database.write { runner -> EnrolmentOutcome in
            // The course's row is locked before anything is read (see `PostgresSeats.reading`): enrolments of one course
            // take their turn, so the seat count holds, and a double click finds the first click's enrolment.
            guard var reading = try await PostgresSeats.reading(runner, courseID: courseID, userID: userID, locking: true) else {
                return try await PostgresSeats.isEnrolled(runner, userID: userID, courseID: courseID) ? .alreadyEnrolled : .refused(.closed(now))
            }
            // Seats free while others wait go to them first (`Seats.serveQueueFirst`), after which all is read again.
            if reading.waiting {
                try await PostgresSeats.promote(runner, courseID: courseID, now: now)
                guard let again = try await PostgresSeats.reading(runner, courseID: courseID, userID: userID, locking: true) else {
                    return try await PostgresSeats.isEnrolled(runner, userID: userID, courseID: courseID) ? .alreadyEnrolled : .refused(.closed(now))
                }
                reading = again
            }
            if reading.enrolled { return .alreadyEnrolled }
            switch reading.course(at: now).admission(byOperator: byOperator, overCapacityReason: overCapacityReason) {
            case .refuse(let outcome):
                return outcome
            case .enrol(let reason):
                // Settles a pending request or a wait for this course too (an operator admitted the learner).
                try await PostgresSeats.enrol(runner, userID: userID, courseID: courseID, now: now, overCapacityReason: reason)
                return .enrolled
            }
        }
    }

    /// Takes a new place in one statement, with the other new places in the same course asked for meanwhile on this
    /// instance (`PostgresSeats.enrolIfUnchanged`); false when what `seen` read no longer holds, and in a dry run (which
    /// `writeAlone` leaves to `write`, as that rolls back).
    private func takeNewPlace(_ place: PostgresSeats.NewPlace, in courseID: Int64, seen: PostgresSeats.Reading) async throws -> Bool {
        let key = PostgresSeats.NewPlaceKey(courseID: courseID, facts: seen.facts, capacity: seen.capacity)
        return try await database.newPlaces.submit(place, key: key) { places in
            try await database.writeAlone { runner in
                try await PostgresSeats.enrolIfUnchanged(runner, courseID: courseID, seen: key, places: places)
            } ?? places.map { _ in false }
        }
    }

    @discardableResult
    func leave(userID: Int64, courseID: Int64, now: Date) async throws -> Bool {
        try await database.write { runner -> Bool in
            // The course's row is locked first, as by every write that gives or frees a seat: the promotion below then
            // counts every seat taken before it, and no enrolment slips into the freed seat ahead of the queue.
            _ = try await PostgresSeats.state(runner, courseID: courseID, now: now)
            let left = try await runner.value(
                "DELETE FROM enrolment WHERE user_id = \(userID) AND course_id = \(courseID) RETURNING 1", as: Int.self)
            guard left != nil else { return false }
            try await PostgresEventLog.append(runner, .left, userID: userID, subjectID: courseID, courseID: courseID, now: now)
            try await PostgresSeats.promote(runner, courseID: courseID, now: now)
            return true
        }
    }

    func progress(userID: Int64, courseID: Int64) async throws -> CourseProgress {
        try await database.read { runner in try await Self.progress(runner, userID: userID, courseID: courseID) }
    }

    @discardableResult
    func complete(userID: Int64, courseID: Int64, lessonID: Int64, learnerName: String, now: Date) async throws -> String? {
        try await database.write { runner -> String? in
            guard
                let lesson = try await runner.one(
                    "SELECT kind, quiz IS NOT NULL AS has_quiz FROM lesson WHERE id = \(lessonID) AND course_id = \(courseID)",
                    { (kind: try $0["kind"] as String, hasQuiz: try $0["has_quiz"] as Bool) })
            else { return nil }
            let passed = try await runner.exists("SELECT 1 FROM quiz_attempt WHERE user_id = \(userID) AND lesson_id = \(lessonID) AND passed")
            try LessonCompletionRule.check(kind: LessonKind(rawValue: lesson.kind) ?? .lesson, hasQuiz: lesson.hasQuiz, quizPassed: passed)
            try await Self.requireOpen(runner, userID: userID, lessonID: lessonID, now: now)
            return try await Self.markComplete(runner, userID: userID, courseID: courseID, lessonID: lessonID, learnerName: learnerName, now: now)
        }
    }

    /// Records a completion and issues the certificate when it was the last required lesson; the caller has checked
    /// that the lesson may be completed. Returns the course's certificate code, if any.
    static func markComplete(
        _ runner: QueryRunner, userID: Int64, courseID: Int64, lessonID: Int64, learnerName: String, now: Date
    ) async throws -> String? {
        // The primary key makes a second completion (a double click, a quiz passed again) change nothing.
        let inserted = try await runner.value(
            """
            INSERT INTO lesson_completion (user_id, lesson_id, completed_at) VALUES (\(userID), \(lessonID), \(now))
            ON CONFLICT (user_id, lesson_id) DO NOTHING RETURNING 1
            """, as: Int.self)
        if inserted != nil {
            try await PostgresEventLog.append(runner, .lessonCompleted, userID: userID, subjectID: lessonID, courseID: courseID, now: now)
        }
        return try await issueIfDue(runner, userID: userID, courseID: courseID, learnerName: learnerName, now: now)
    }

    /// Issues the learner's certificate when every required lesson is done and none is current yet; returns the
    /// current certificate's code, if any. A certificate waits while the learner's address is unverified (it names
    /// a person the school has not yet been able to reach): `EmailVerificationStore` issues it when they verify.
    static func issueIfDue(_ runner: QueryRunner, userID: Int64, courseID: Int64, learnerName: String, now: Date) async throws -> String? {
        // Issues take their turn under the lock every event append holds (`PostgresEventLog.appendLock`; a completion
        // has usually taken it already): of a learner's last two lessons completed at once, the second sees the first
        // and issues the certificate, once. A lock of the learner's row would be taken after an append on some paths
        // (a quiz passed) and before one on others (an address verified), and could deadlock.
        try await runner.execute("SELECT pg_advisory_xact_lock(\(PostgresEventLog.appendLock))")
        // One current certificate per learner and course; a revoked one stays until an operator acts, and certifies nothing.
        if let current = try await runner.one(
            "SELECT code, revoked_at FROM certificate WHERE user_id = \(userID) AND course_id = \(courseID) AND replaced_by IS NULL",
            { (code: try $0["code"] as String, revokedAt: try $0["revoked_at"] as Date?) })
        {
            return current.revokedAt == nil ? current.code : nil
        }
        let progress = try await Self.progress(runner, userID: userID, courseID: courseID)
        guard progress.isComplete,
            try await runner.value("SELECT email_verified_at IS NOT NULL FROM users WHERE id = \(userID)", as: Bool.self) == true
        else { return nil }
        let course = try await runner.one(
            "SELECT title, slug FROM course WHERE id = \(courseID)", { (title: try $0["title"] as String, slug: try $0["slug"] as String) })
        let (title, slug) = (course?.title ?? "", course?.slug ?? "")
        let assessment = try await Self.assessment(runner, userID: userID, courseID: courseID, lessonsCompleted: progress.completedRequired)
        let code = Certificate.makeCode()
        let id = try await runner.value(
            """
            INSERT INTO certificate (code, user_id, course_id, learner_name, course_title, course_slug, completed_at, issued_at, course_version,
                lessons_completed, quizzes_passed, quiz_average, checkpoints_approved)
            VALUES (\(code), \(userID), \(courseID), \(learnerName), \(title), \(slug), \(now), \(now),
                \(assessment.courseVersion), \(assessment.lessonsCompleted), \(assessment.quizzesPassed), \(assessment.quizAverage),
                \(assessment.checkpointsApproved))
            RETURNING id
            """, as: Int64.self)
        try await PostgresEventLog.append(runner, .certificateIssued, userID: userID, subjectID: id, courseID: courseID, now: now)
        return code
    }

    /// What a certificate for this learner and course certifies, from the required lessons: their knowledge checks
    /// (best score of each) and their approved checkpoints; and the course's content version.
    static func assessment(_ runner: QueryRunner, userID: Int64, courseID: Int64, lessonsCompleted: Int) async throws -> CertificateAssessment {
        let quizzes = try await runner.one(
            """
            SELECT count(*) AS passed, round(avg(best))::float8 AS average FROM (
                SELECT max(quiz_attempt.score) AS best FROM quiz_attempt JOIN lesson ON lesson.id = quiz_attempt.lesson_id
                WHERE quiz_attempt.user_id = \(userID) AND lesson.course_id = \(courseID) AND NOT lesson.is_removed AND NOT lesson.is_optional
                    AND lesson.quiz IS NOT NULL
                GROUP BY quiz_attempt.lesson_id HAVING bool_or(quiz_attempt.passed)) AS best_scores
            """, { (passed: try $0["passed"] as Int, average: try $0["average"] as Double?) })
        let checkpoints =
            try await runner.value(
                """
                SELECT count(DISTINCT lesson.id) FROM checkpoint_submission JOIN lesson ON lesson.id = checkpoint_submission.lesson_id
                WHERE checkpoint_submission.user_id = \(userID) AND checkpoint_submission.status = 'approved' AND lesson.course_id = \(courseID)
                    AND NOT lesson.is_removed AND NOT lesson.is_optional
                """, as: Int.self) ?? 0
        let version = try await courseVersion(runner, courseID: courseID)
        return CertificateAssessment(
            lessonsCompleted: lessonsCompleted, quizzesPassed: quizzes?.passed ?? 0, averageBest: quizzes?.average, checkpointsApproved: checkpoints,
            courseVersion: version)
    }

    /// The course's content version (`CertificateAssessment.contentVersion`) from its files' hashes and dates.
    static func courseVersion(_ runner: QueryRunner, courseID: Int64) async throws -> String {
        // Slugs compare byte by byte (as SQLite's BINARY), so the same content has the same version whatever the
        // database's collation.
        let files = try await runner.all(
            """
            SELECT content_hash, updated_at FROM (
                SELECT 0 AS part, 0::bigint AS position, '' AS slug, content_hash, updated_at FROM course WHERE id = \(courseID)
                UNION ALL
                SELECT 1, position, slug, content_hash, updated_at FROM lesson WHERE course_id = \(courseID) AND NOT is_removed
            ) AS files
            ORDER BY part, position, slug COLLATE "C"
            """, { (contentHash: try $0["content_hash"] as String?, updatedAt: try $0["updated_at"] as Date?) })
        return CertificateAssessment.contentVersion(files)
    }

    /// Throws `LessonLockedError` when the lesson's module has not opened yet for this learner (release schedule). A free
    /// preview is open to everyone, so it is never locked.
    static func requireOpen(_ runner: QueryRunner, userID: Int64, lessonID: Int64, now: Date) async throws {
        guard
            let row = try await runner.one(
                """
                SELECT lesson.module, lesson.is_preview, course.modules, course.module_schedule, enrolment.enrolled_at FROM lesson
                JOIN course ON course.id = lesson.course_id
                JOIN enrolment ON enrolment.course_id = course.id AND enrolment.user_id = \(userID)
                WHERE lesson.id = \(lessonID)
                """,
                { row in
                    (
                        module: try row["module"] as String, isPreview: try row["is_preview"] as Bool, modules: try row["modules"] as String,
                        schedule: try row["module_schedule"] as String, enrolledAt: try row["enrolled_at"] as Date
                    )
                })
        else { return }
        if let opens = ModuleSchedule.lockedUntil(
            module: row.module, isPreview: row.isPreview, modules: JSONColumn.decode(row.modules),
            opensAfterDays: JSONColumn.decode([Int].self, row.schedule) ?? [], enrolledAt: row.enrolledAt, now: now)
        {
            throw LessonLockedError(opensAt: opens)
        }
    }

    func undo(userID: Int64, lessonID: Int64) async throws {
        try await database.write { runner in
            // Under the lock certificates are issued under (see `issueIfDue`): a completion racing this undo has either
            // issued its certificate already (and the undo is refused) or sees the lesson undone (and issues none).
            try await runner.execute("SELECT pg_advisory_xact_lock(\(PostgresEventLog.appendLock))")
            if let issued = try await runner.value(
                """
                SELECT certificate.completed_at FROM certificate JOIN lesson ON lesson.course_id = certificate.course_id
                WHERE lesson.id = \(lessonID) AND certificate.user_id = \(userID) AND certificate.replaced_by IS NULL
                    AND certificate.revoked_at IS NULL
                """, as: Date.self)
            {
                throw CourseCertifiedError(issuedAt: issued)
            }
            try await runner.execute("DELETE FROM lesson_completion WHERE user_id = \(userID) AND lesson_id = \(lessonID)")
        }
    }

    func rememberPlace(userID: Int64, courseID: Int64, lessonID: Int64) async throws {
        try await database.write(changesPublicPages: false) { runner in
            try await runner.execute(
                """
                UPDATE enrolment SET last_lesson_id = \(lessonID)
                WHERE user_id = \(userID) AND course_id = \(courseID) AND last_lesson_id IS DISTINCT FROM \(lessonID)
                """)
        }
    }

    func courses(of userID: Int64) async throws -> [LearnerCourseEntry] {
        try await database.read { runner in try await Self.courses(runner, of: userID) }
    }

    static func courses(_ runner: QueryRunner, of userID: Int64) async throws -> [LearnerCourseEntry] {
        let rows = try await runner.all(
            """
            SELECT course.id, course.slug, course.title, enrolment.last_lesson_id,
                (SELECT completed_at FROM certificate WHERE certificate.user_id = enrolment.user_id AND certificate.course_id = course.id
                    AND certificate.replaced_by IS NULL AND certificate.revoked_at IS NULL) AS certified_at
            FROM enrolment JOIN course ON course.id = enrolment.course_id
            WHERE enrolment.user_id = \(userID) AND NOT course.is_removed ORDER BY enrolment.enrolled_at DESC
            """,
            { row in
                (
                    id: try row["id"] as Int64, slug: try row["slug"] as String, title: try row["title"] as String,
                    lastLessonID: try row["last_lesson_id"] as Int64?, certifiedAt: try row["certified_at"] as Date?
                )
            })
        guard !rows.isEmpty else { return [] }
        let syllabi = try await runner.all(
            """
            SELECT lesson.* FROM lesson JOIN enrolment ON enrolment.course_id = lesson.course_id AND enrolment.user_id = \(userID)
            WHERE NOT lesson.is_removed ORDER BY lesson.course_id, lesson.position, lesson.slug COLLATE "C"
            """, { (courseID: try $0["course_id"] as Int64, lesson: try LessonSummary(columns: $0)) })
        var lessons: [Int64: [LessonSummary]] = [:]
        for entry in syllabi { lessons[entry.courseID, default: []].append(entry.lesson) }
        let completed = try await runner.values(
            """
            SELECT lesson_completion.lesson_id FROM lesson_completion JOIN enrolment ON enrolment.user_id = lesson_completion.user_id
            JOIN lesson ON lesson.id = lesson_completion.lesson_id AND lesson.course_id = enrolment.course_id
            WHERE lesson_completion.user_id = \(userID)
            """, as: Int64.self)
        let done = Set(completed)
        return rows.map { row in
            LearnerCourseEntry(
                slug: row.slug, title: row.title, syllabus: lessons[row.id] ?? [], completed: done, lastLessonID: row.lastLessonID,
                certifiedAt: row.certifiedAt)
        }
    }

    func dashboard(of userID: Int64) async throws -> (courses: [LearnerCourseEntry], certificates: [Certificate]) {
        try await database.recentRead("dashboard \(userID)") { runner -> (courses: [LearnerCourseEntry], certificates: [Certificate]) in
            let courses = try await Self.courses(runner, of: userID)
            let certificates = try await Self.certificates(runner, of: userID)
            return (courses, certificates)
        }
    }

    func learnerCourse(slug: String, userID: Int64?, lessonSlug: String?) async throws -> LearnerCourse? {
        try await database.read { runner -> LearnerCourse? in
            guard let course = try await PostgresCourseStore.course(runner, slug: slug) else { return nil }
            return try await Self.learnerCourse(runner, course: course, userID: userID, lessonSlug: lessonSlug)
        }
    }

    func learnerCourse(course: CourseDetail, userID: Int64?, lessonSlug: String?) async throws -> LearnerCourse {
        guard userID != nil || lessonSlug != nil else { return LearnerCourse(course: course) }
        // The learner's place in the course is read on every page of it: kept while nothing is written anywhere, and used
        // only with the very course it was read with (its lessons make the progress). Whether the lesson is open
        // depends on the hour: decided on each request, before its kept text is used.
        var view = LearnerCourse(course: course)
        if let userID {
            view = try await database.recentRead("learner \(userID) \(course.id)") { runner in try await Self.place(runner, course: course, userID: userID) }
            if view.course != course {
                view = try await database.read { runner in try await Self.place(runner, course: course, userID: userID) }
            }
        }
        guard let lessonSlug else { return view }
        if let opens = Self.opensLater(lessonSlug, of: view) {
            view.lessonOpensAt = opens
            return view
        }
        // Keyed by what the read depends on: the learner (attempts, submissions) and the lesson as this course describes it.
        let lesson = course.lessons.first(where: { $0.slug == lessonSlug })
        let shape = lesson.map { "\($0.id) \($0.kind.rawValue) \($0.hasQuiz)" } ?? "none"
        view.show(
            try await database.recentRead("lesson \(userID.map(String.init) ?? "anonymous") \(course.id) \(lessonSlug) \(shape)") { runner in
                try await Self.lessonContent(runner, lessonSlug, of: course, userID: userID)
            })
        return view
    }

    static func learnerCourse(_ runner: QueryRunner, course: CourseDetail, userID: Int64?, lessonSlug: String?) async throws -> LearnerCourse {
        var view = LearnerCourse(course: course)
        if let userID { view = try await place(runner, course: course, userID: userID) }
        guard let lessonSlug else { return view }
        return try await lesson(runner, lessonSlug, of: view, userID: userID)
    }

    /// The learner's enrolment (or place on the waitlist, or request), progress and certificate in `course`.
    private static func place(_ runner: QueryRunner, course: CourseDetail, userID: Int64) async throws -> LearnerCourse {
        var view = LearnerCourse(course: course)
        if let enrolment = try await runner.one(
            "SELECT enrolled_at, last_lesson_id FROM enrolment WHERE user_id = \(userID) AND course_id = \(course.id)",
            { (enrolledAt: try $0["enrolled_at"] as Date, lastLessonID: try $0["last_lesson_id"] as Int64?) })
        {
            view.isEnrolled = true
            view.enrolledAt = enrolment.enrolledAt
            view.lastLessonID = enrolment.lastLessonID
        } else {
            view.waitlistPosition = try await PostgresSeats.position(runner, userID: userID, courseID: course.id)
            if course.enrolmentMode == .approval {
                view.request = try await PostgresEnrolmentRequestStore.latest(runner, userID: userID, courseID: course.id)
            }
        }
        let completed = try await runner.values(
            """
            SELECT lesson_completion.lesson_id FROM lesson_completion JOIN lesson ON lesson.id = lesson_completion.lesson_id
            WHERE lesson_completion.user_id = \(userID) AND lesson.course_id = \(course.id)
            """, as: Int64.self)
        view.progress = CourseProgress(course.lessons, completed: Set(completed))
        if let certificate = try await runner.one(
            """
            SELECT code, completed_at FROM certificate
            WHERE user_id = \(userID) AND course_id = \(course.id) AND replaced_by IS NULL AND revoked_at IS NULL
            """, { (code: try $0["code"] as String, completedAt: try $0["completed_at"] as Date) })
        {
            view.certificateCode = certificate.code
            view.certifiedAt = certificate.completedAt
        }
        return view
    }

    /// `view` with the lesson `lessonSlug`'s text, quiz and submissions, when it is open to this learner now.
    private static func lesson(_ runner: QueryRunner, _ lessonSlug: String, of view: LearnerCourse, userID: Int64?) async throws -> LearnerCourse {
        var view = view
        if let opens = opensLater(lessonSlug, of: view) {
            view.lessonOpensAt = opens
            return view
        }
        view.show(try await lessonContent(runner, lessonSlug, of: view.course, userID: userID))
        return view
    }

    /// When the lesson opens to this learner, if it has not yet: its text, quiz and form then stay on the server.
    private static func opensLater(_ lessonSlug: String, of view: LearnerCourse) -> Date? {
        view.course.lessons.first(where: { $0.slug == lessonSlug }).flatMap { view.course.lockedUntil($0, enrolledAt: view.enrolledAt, now: Date()) }
    }

    /// The text of an open lesson, with the learner's quiz attempts and checkpoint submissions.
    private static func lessonContent(_ runner: QueryRunner, _ lessonSlug: String, of course: CourseDetail, userID: Int64?) async throws -> LessonContent {
        var content = LessonContent()
        content.html = try await runner.value(
            "SELECT body_html FROM lesson WHERE course_id = \(course.id) AND slug = \(lessonSlug) AND NOT is_removed", as: String.self)
        if let lesson = course.lessons.first(where: { $0.slug == lessonSlug }) {
            if lesson.hasQuiz { content.quiz = try await PostgresQuizStore.quiz(runner, lessonID: lesson.id, userID: userID) }
            if lesson.kind == .checkpoint, let userID {
                content.submissions = try await PostgresCheckpointStore.submissions(runner, userID: userID, lessonID: lesson.id)
            }
        }
        return content
    }

    func certificates(of userID: Int64) async throws -> [Certificate] {
        try await database.read { runner in try await Self.certificates(runner, of: userID) }
    }

    static func certificates(_ runner: QueryRunner, of userID: Int64) async throws -> [Certificate] {
        try await runner.all(
            "SELECT * FROM certificate WHERE user_id = \(userID) AND replaced_by IS NULL ORDER BY completed_at DESC", Certificate.init(columns:))
    }

    func certificate(code: String) async throws -> Certificate? {
        try await database.read { runner in try await runner.one("SELECT * FROM certificate WHERE code = \(code)", Certificate.init(columns:)) }
    }

    func reissue(code: String, name: String?, now: Date) async throws -> Certificate {
        try await database.write { runner -> Certificate in
            // The certificate's row is locked: of two reissues (or a reissue and a revocation) at once, the second
            // reads the first's outcome and is refused, as behind SQLite's single writer.
            guard
                let old = try await runner.one(
                    "SELECT user_id, course_id, replaced_by, revoked_at FROM certificate WHERE code = \(code) FOR NO KEY UPDATE",
                    { row in
                        (
                            userID: try row["user_id"] as Int64?, courseID: try row["course_id"] as Int64?,
                            replacedBy: try row["replaced_by"] as String?, revokedAt: try row["revoked_at"] as Date?
                        )
                    })
            else { throw CertificateReissueError.unknownCode(code) }
            if let refusal = CertificateReissueError.refusal(replacedBy: old.replacedBy, revokedAt: old.revokedAt) { throw refusal }
            var learnerName = name
            if learnerName == nil, let userID = old.userID {
                learnerName = try await runner.value("SELECT name FROM users WHERE id = \(userID)", as: String.self)
            }
            guard let learnerName else { throw CertificateReissueError.nameNeeded }
            let newCode = Certificate.makeCode()
            try await runner.execute("UPDATE certificate SET replaced_by = \(newCode), replaced_at = \(now) WHERE code = \(code)")
            guard
                let issued = try await runner.one(
                    """
                    INSERT INTO certificate (code, user_id, course_id, learner_name, course_title, course_slug, completed_at, issued_at,
                        course_version, lessons_completed, quizzes_passed, quiz_average, checkpoints_approved)
                    SELECT \(newCode), user_id, course_id, \(learnerName), course_title, course_slug, completed_at, \(now), course_version,
                        lessons_completed, quizzes_passed, quiz_average, checkpoints_approved
                    FROM certificate WHERE code = \(code)
                    RETURNING *
                    """, { (id: try $0["id"] as Int64, certificate: try Certificate(columns: $0)) })
            else { throw CertificateReissueError.unknownCode(code) }
            try await PostgresEventLog.append(runner, .certificateIssued, userID: old.userID, subjectID: issued.id, courseID: old.courseID, now: now)
            return issued.certificate
        }
    }

    func revoke(code: String, reason: String, now: Date) async throws -> Bool {
        try await database.write { runner -> Bool in
            // One statement checks and revokes: of two revocations at once, the second waits for the first and then
            // finds the certificate revoked.
            guard
                let revoked = try await runner.one(
                    """
                    UPDATE certificate SET revoked_at = \(now), revoke_reason = \(reason) WHERE code = \(code) AND revoked_at IS NULL
                    RETURNING id, user_id, course_id
                    """, { (id: try $0["id"] as Int64, userID: try $0["user_id"] as Int64?, courseID: try $0["course_id"] as Int64?) })
            else { return false }
            try await PostgresEventLog.append(
                runner, .certificateRevoked, userID: revoked.userID, subjectID: revoked.id, courseID: revoked.courseID, now: now)
            return true
        }
    }

    static func progress(_ runner: QueryRunner, userID: Int64, courseID: Int64) async throws -> CourseProgress {
        let completed = try await runner.all(
            """
            SELECT lesson.id, lesson.is_optional FROM lesson_completion JOIN lesson ON lesson.id = lesson_completion.lesson_id
            WHERE lesson_completion.user_id = \(userID) AND lesson.course_id = \(courseID) AND NOT lesson.is_removed
            """, { (id: try $0["id"] as Int64, isOptional: try $0["is_optional"] as Bool) })
        let required =
            try await runner.value("SELECT count(*) FROM lesson WHERE course_id = \(courseID) AND NOT is_removed AND NOT is_optional", as: Int.self)
            ?? 0
        return CourseProgress(completed: completed, required: required)
    }
}

extension PostgresEnrolmentStore {
    func records(courseSlug: String?, userID: Int64?) async throws -> [EnrolmentRecord] {
        try await database.read { runner -> [EnrolmentRecord] in
            let rows = try await runner.all(
                """
                SELECT users.id AS user_id, users.email, users.name, course.id AS course_id, course.slug, course.title, enrolment.enrolled_at,
                    enrolment.over_capacity_reason, certificate.code
                FROM enrolment
                JOIN users ON users.id = enrolment.user_id
                JOIN course ON course.id = enrolment.course_id
                LEFT JOIN certificate ON certificate.user_id = enrolment.user_id AND certificate.course_id = enrolment.course_id
                    AND certificate.replaced_by IS NULL
                WHERE (\(courseSlug)::text IS NULL OR course.slug = \(courseSlug)) AND (\(userID)::bigint IS NULL OR users.id = \(userID))
                ORDER BY enrolment.enrolled_at, enrolment.id
                """,
                { row in
                    (
                        userID: try row["user_id"] as Int64, courseID: try row["course_id"] as Int64, email: try row["email"] as String,
                        name: try row["name"] as String, slug: try row["slug"] as String, title: try row["title"] as String,
                        enrolledAt: try row["enrolled_at"] as Date, code: try row["code"] as String?,
                        overCapacityReason: try row["over_capacity_reason"] as String?
                    )
                })
            var records: [EnrolmentRecord] = []
            for row in rows {
                let progress = try await Self.progress(runner, userID: row.userID, courseID: row.courseID)
                records.append(
                    EnrolmentRecord(
                        email: row.email, name: row.name, courseSlug: row.slug, courseTitle: row.title, enrolledAt: row.enrolledAt,
                        progress: progress, certificateCode: row.code, overCapacityReason: row.overCapacityReason))
            }
            return records
        }
    }

    func certificateRecords(courseSlug: String?) async throws -> [CertificateRecord] {
        try await database.read { runner in
            try await runner.all(
                """
                SELECT certificate.*, users.email FROM certificate LEFT JOIN users ON users.id = certificate.user_id
                WHERE \(courseSlug)::text IS NULL OR certificate.course_slug = \(courseSlug)
                ORDER BY certificate.completed_at DESC, certificate.id DESC
                """, { CertificateRecord(certificate: try Certificate(columns: $0), email: try $0["email"] as String?) })
        }
    }
}

extension Certificate {
    init(columns row: Columns) throws {
        self.init(
            code: try row["code"], learnerName: try row["learner_name"], courseTitle: try row["course_title"], courseSlug: try row["course_slug"],
            completedAt: try row["completed_at"], revokedAt: try row["revoked_at"] as Date?, revokeReason: try row["revoke_reason"] as String?)
        replacedBy = try row["replaced_by"] as String?
        replacedAt = try row["replaced_at"] as Date?
        if let version = try row["course_version"] as String? {
            assessment = CertificateAssessment(
                lessonsCompleted: try row["lessons_completed"] as Int? ?? 0, quizzesPassed: try row["quizzes_passed"] as Int? ?? 0,
                quizAverage: try row["quiz_average"] as Int?, checkpointsApproved: try row["checkpoints_approved"] as Int? ?? 0,
                courseVersion: version)
        }
    }
}

/// An open lesson's part of a `LearnerCourse`: read, and kept, apart from the learner's place in the course.
struct LessonContent: Sendable {
    var html: String?
    var quiz: LessonQuiz?
    var submissions: [CheckpointSubmission] = []
}

extension LearnerCourse {
    fileprivate mutating func show(_ lesson: LessonContent) {
        lessonHTML = lesson.html
        lessonQuiz = lesson.quiz
        submissions = lesson.submissions
    }
}
