import Foundation
import LecternCore

/// `CheckpointStore` in PostgreSQL.
struct PostgresCheckpointStore: CheckpointStore {
    let database: PostgresSiteDatabase

    // MARK: Instructors

    func addInstructor(courseSlug: String, email: String, now: Date) async throws -> Bool {
        try await database.write(changesPublicPages: false) { runner in
            let (courseID, userID) = try await Self.courseAndUser(runner, courseSlug: courseSlug, email: email)
            return try await runner.exists(
                """
                INSERT INTO course_instructor (course_id, user_id, added_at) VALUES (\(courseID), \(userID), \(now))
                ON CONFLICT DO NOTHING RETURNING 1
                """)
        }
    }

    func removeInstructor(courseSlug: String, email: String) async throws -> Bool {
        try await database.write(changesPublicPages: false) { runner in
            let (courseID, userID) = try await Self.courseAndUser(runner, courseSlug: courseSlug, email: email)
            return try await runner.exists("DELETE FROM course_instructor WHERE course_id = \(courseID) AND user_id = \(userID) RETURNING 1")
        }
    }

    func instructors(courseSlug: String) async throws -> [(name: String, email: String)] {
        try await database.read { runner in
            guard let courseID = try await runner.value("SELECT id FROM course WHERE slug = \(courseSlug)", as: Int64.self) else {
                throw CheckpointStoreError.noSuchCourse(courseSlug)
            }
            // COLLATE "C": names in code point order, as SQLite's BINARY collation sorts them, whatever the database's locale.
            return try await runner.all(
                """
                SELECT users.name, users.email FROM course_instructor JOIN users ON users.id = course_instructor.user_id
                WHERE course_instructor.course_id = \(courseID) ORDER BY users.name COLLATE "C"
                """
            ) { (name: try $0["name"] as String, email: try $0["email"] as String) }
        }
    }

    func teaches(userID: Int64, courseID: Int64) async throws -> Bool {
        try await database.read { runner in
            try await runner.exists("SELECT 1 FROM course_instructor WHERE user_id = \(userID) AND course_id = \(courseID)")
        }
    }

    func teachesAnyCourse(userID: Int64) async throws -> Bool {
        try await database.read { runner in try await runner.exists("SELECT 1 FROM course_instructor WHERE user_id = \(userID) LIMIT 1") }
    }

    static func courseAndUser(_ runner: QueryRunner, courseSlug: String, email: String) async throws -> (Int64, Int64) {
        guard let courseID = try await runner.value("SELECT id FROM course WHERE slug = \(courseSlug) AND NOT is_removed", as: Int64.self) else {
            throw CheckpointStoreError.noSuchCourse(courseSlug)
        }
        return (courseID, try await userID(runner, email: email))
    }

    static func userID(_ runner: QueryRunner, email: String) async throws -> Int64 {
        guard let userID = try await runner.value("SELECT id FROM users WHERE email_key = \(EmailAddress.key(email))", as: Int64.self) else {
            throw CheckpointStoreError.noSuchUser(email)
        }
        return userID
    }

    // MARK: Learners

    func submissions(userID: Int64, lessonID: Int64) async throws -> [CheckpointSubmission] {
        try await database.read { runner in try await Self.submissions(runner, userID: userID, lessonID: lessonID) }
    }

    static func submissions(_ runner: QueryRunner, userID: Int64, lessonID: Int64) async throws -> [CheckpointSubmission] {
        try await runner.all(
            """
            SELECT checkpoint_submission.*, reviewer.name AS reviewer_name FROM checkpoint_submission
            LEFT JOIN users AS reviewer ON reviewer.id = checkpoint_submission.reviewer_id
            WHERE checkpoint_submission.user_id = \(userID) AND checkpoint_submission.lesson_id = \(lessonID) ORDER BY version DESC
            """, CheckpointSubmission.init(columns:))
    }

    func submit(userID: Int64, lessonID: Int64, answer: CheckpointAnswer, now: Date) async throws -> CheckpointSubmission {
        try await database.write(changesPublicPages: false) { runner in
            // The learner's row is locked so that of two submissions sent at once, the second reads the first's version,
            // waiting for review, and is refused (SQLite's single writer gives that for free). NO KEY UPDATE leaves the
            // inserts that merely refer to the account unblocked.
            _ = try await runner.exists("SELECT 1 FROM users WHERE id = \(userID) FOR NO KEY UPDATE")
            try await PostgresEnrolmentStore.requireOpen(runner, userID: userID, lessonID: lessonID, now: now)
            let latest = try await runner.one(
                """
                SELECT version, status FROM checkpoint_submission WHERE user_id = \(userID) AND lesson_id = \(lessonID)
                ORDER BY version DESC LIMIT 1
                """
            ) { (version: try $0["version"] as Int, status: try $0["status"] as String) }
            let version = try CheckpointSubmission.nextVersion(after: latest)
            guard
                let id = try await runner.value(
                    """
                    INSERT INTO checkpoint_submission (user_id, lesson_id, version, body, link, status, submitted_at)
                    VALUES (\(userID), \(lessonID), \(version), \(answer.text), \(answer.link), 'submitted', \(now))
                    RETURNING id
                    """, as: Int64.self)
            else { throw InsertedNothing(table: "checkpoint_submission") }
            let courseID = try await runner.value("SELECT course_id FROM lesson WHERE id = \(lessonID)", as: Int64.self)
            try await PostgresEventLog.append(runner, .checkpointSubmitted, userID: userID, subjectID: id, courseID: courseID, now: now)
            return CheckpointSubmission(
                id: id, userID: userID, lessonID: lessonID, version: version, text: answer.text, link: answer.link, status: .submitted,
                submittedAt: now)
        }
    }

    // MARK: Reviews

    static let itemColumns = """
        checkpoint_submission.*, reviewer.name AS reviewer_name, learner.name AS learner_name, learner.email AS learner_email,
        course.id AS course_id, course.slug AS course_slug, course.title AS course_title, lesson.slug AS lesson_slug,
        lesson.title AS lesson_title, lesson.body_html AS brief_html
        """
    static let itemJoins = """
        FROM checkpoint_submission JOIN users AS learner ON learner.id = checkpoint_submission.user_id
        JOIN lesson ON lesson.id = checkpoint_submission.lesson_id JOIN course ON course.id = lesson.course_id
        LEFT JOIN users AS reviewer ON reviewer.id = checkpoint_submission.reviewer_id
        """

    func queue(reviewerID: Int64) async throws -> [ReviewItem] {
        try await database.read { runner in
            try await runner.all(
                """
                SELECT \(unescaped: Self.itemColumns) \(unescaped: Self.itemJoins)
                JOIN course_instructor ON course_instructor.course_id = course.id AND course_instructor.user_id = \(reviewerID)
                WHERE checkpoint_submission.status = 'submitted' AND NOT lesson.is_removed
                ORDER BY checkpoint_submission.submitted_at, checkpoint_submission.id
                """, ReviewItem.init(columns:))
        }
    }

    func waiting(courseSlug: String?) async throws -> [ReviewItem] {
        try await database.read { runner in
            if let courseSlug, try await !runner.exists("SELECT 1 FROM course WHERE slug = \(courseSlug)") {
                throw CheckpointStoreError.noSuchCourse(courseSlug)
            }
            return try await runner.all(
                """
                SELECT \(unescaped: Self.itemColumns) \(unescaped: Self.itemJoins)
                WHERE checkpoint_submission.status = 'submitted' AND NOT lesson.is_removed
                    AND (\(courseSlug)::text IS NULL OR course.slug = \(courseSlug))
                ORDER BY checkpoint_submission.submitted_at, checkpoint_submission.id
                """, ReviewItem.init(columns:))
        }
    }

    func item(id: Int64) async throws -> ReviewItem? {
        try await database.read { runner in
            try await runner.one(
                "SELECT \(unescaped: Self.itemColumns) \(unescaped: Self.itemJoins) WHERE checkpoint_submission.id = \(id)",
                ReviewItem.init(columns:))
        }
    }

    func userID(email: String) async throws -> Int64 {
        try await database.read { runner in try await Self.userID(runner, email: email) }
    }

    func item(id: Int64, reviewerID: Int64) async throws -> ReviewItem? {
        try await database.read { runner in
            try await runner.one(
                """
                SELECT \(unescaped: Self.itemColumns) \(unescaped: Self.itemJoins)
                JOIN course_instructor ON course_instructor.course_id = course.id AND course_instructor.user_id = \(reviewerID)
                WHERE checkpoint_submission.id = \(id)
                """, ReviewItem.init(columns:))
        }
    }

    func review(id: Int64, reviewerID: Int64, decision: ReviewDecision, now: Date) async throws -> (item: ReviewItem, certificateCode: String?) {
        // An approval may complete the course and issue a certificate (a public page), and other processes' caches
        // must hear of it: the site revision moves.
        try await database.write { runner in
            // The submission is locked: of two instructors reviewing it at once, the second waits, then reads the first's
            // decision and is refused (`alreadyReviewed`). A certificate the approval completes is issued once:
            // `PostgresEnrolmentStore.issueIfDue` takes its turn under the event append lock.
            guard
                var item = try await runner.one(
                    """
                    SELECT \(unescaped: Self.itemColumns) \(unescaped: Self.itemJoins) WHERE checkpoint_submission.id = \(id)
                    FOR NO KEY UPDATE OF checkpoint_submission
                    """, ReviewItem.init(columns:))
            else { throw CheckpointStoreError.noSuchSubmission(id) }
            let teaches = try await runner.exists(
                "SELECT 1 FROM course_instructor WHERE course_id = \(item.courseID) AND user_id = \(reviewerID)")
            let (status, feedback) = try item.outcome(of: decision, reviewerID: reviewerID, teaches: teaches)
            try await runner.execute(
                """
                UPDATE checkpoint_submission
                SET status = \(status.rawValue), reviewer_id = \(reviewerID), reviewed_at = \(now), feedback = \(feedback)
                WHERE id = \(id) AND status = 'submitted'
                """)
            let reviewerName = try await runner.value("SELECT name FROM users WHERE id = \(reviewerID)", as: String.self)
            item.record(status, feedback: feedback, reviewerName: reviewerName, at: now)
            try await PostgresEventLog.append(
                runner, .checkpointReviewed, userID: item.submission.userID, subjectID: id, courseID: item.courseID, now: now)
            guard status == .approved else { return (item, nil) }
            let code = try await PostgresEnrolmentStore.markComplete(
                runner, userID: item.submission.userID, courseID: item.courseID, lessonID: item.submission.lessonID, learnerName: item.learnerName,
                now: now)
            return (item, code)
        }
    }

    func digests() async throws -> [ReviewDigest] {
        try await database.read { runner in
            // COLLATE "C": instructors in code point order of their address, as SQLite's BINARY collation sorts them.
            let lines = try await runner.all(
                """
                SELECT instructor.email AS instructor_email, instructor.name AS instructor_name, course.title AS course_title,
                    lesson.title AS lesson_title, learner.name AS learner_name, checkpoint_submission.submitted_at, checkpoint_submission.id
                FROM checkpoint_submission JOIN lesson ON lesson.id = checkpoint_submission.lesson_id
                JOIN course ON course.id = lesson.course_id AND NOT course.is_removed
                JOIN course_instructor ON course_instructor.course_id = course.id
                JOIN users AS instructor ON instructor.id = course_instructor.user_id
                JOIN users AS learner ON learner.id = checkpoint_submission.user_id
                WHERE checkpoint_submission.status = 'submitted' AND NOT lesson.is_removed AND checkpoint_submission.user_id <> instructor.id
                ORDER BY instructor.email COLLATE "C", checkpoint_submission.submitted_at, checkpoint_submission.id
                """
            ) { row -> ReviewDigest.Line in
                (
                    instructorEmail: try row["instructor_email"] as String, instructorName: try row["instructor_name"] as String,
                    courseTitle: try row["course_title"] as String, lessonTitle: try row["lesson_title"] as String,
                    learnerName: try row["learner_name"] as String, submittedAt: try row["submitted_at"] as Date, id: try row["id"] as Int64
                )
            }
            return ReviewDigest.grouping(lines)
        }
    }
}

/// An `INSERT … RETURNING` that returned no row (which PostgreSQL does not do without `ON CONFLICT` or a trigger).
private struct InsertedNothing: Error, CustomStringConvertible {
    var table: String
    var description: String { "inserting into \(table) returned no row" }
}

extension CheckpointSubmission {
    init(columns row: Columns) throws {
        self.init(
            id: try row["id"], userID: try row["user_id"], lessonID: try row["lesson_id"], version: try row["version"], text: try row["body"],
            link: try row["link"], status: SubmissionStatus(rawValue: try row["status"]) ?? .submitted, submittedAt: try row["submitted_at"],
            reviewerName: try row["reviewer_name"], reviewedAt: try row["reviewed_at"], feedback: try row["feedback"])
    }
}

extension ReviewItem {
    init(columns row: Columns) throws {
        self.init(
            submission: try CheckpointSubmission(columns: row), learnerName: try row["learner_name"], learnerEmail: try row["learner_email"],
            courseID: try row["course_id"], courseSlug: try row["course_slug"], courseTitle: try row["course_title"],
            lessonSlug: try row["lesson_slug"], lessonTitle: try row["lesson_title"], briefHTML: try row["brief_html"])
    }
}
