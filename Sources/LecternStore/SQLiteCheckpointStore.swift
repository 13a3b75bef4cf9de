import Foundation
import GRDB
import LecternCore

/// A submission waiting in an instructor's review queue, with what the reviewer needs beside it.
public struct ReviewItem: Sendable {
    public var submission: CheckpointSubmission
    public var learnerName: String
    public var learnerEmail: String
    public var courseID: Int64
    public var courseSlug: String
    public var courseTitle: String
    public var lessonSlug: String
    public var lessonTitle: String
    public var briefHTML: String
}

/// A review's decision.
public enum ReviewDecision: Sendable, Equatable {
    case approve(feedback: String?)
    case `return`(feedback: String)
}

/// `CheckpointStore` in SQLite, through GRDB.
public struct SQLiteCheckpointStore: CheckpointStore {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    // MARK: Instructors

    /// Makes the account with `email` an instructor of `courseSlug`. Returns false when it already was.
    public func addInstructor(courseSlug: String, email: String, now: Date = Date()) async throws -> Bool {
        try await database.write(changesPublicPages: false) { db in
            let (courseID, userID) = try Self.courseAndUser(db, courseSlug: courseSlug, email: email)
            try db.execute(
                sql: "INSERT OR IGNORE INTO course_instructor (course_id, user_id, added_at) VALUES (?, ?, ?)", arguments: [courseID, userID, now])
            return db.changesCount > 0
        }
    }

    /// Ends the account's instructor role for `courseSlug`. Returns false when it was not one.
    public func removeInstructor(courseSlug: String, email: String) async throws -> Bool {
        try await database.write(changesPublicPages: false) { db in
            let (courseID, userID) = try Self.courseAndUser(db, courseSlug: courseSlug, email: email)
            try db.execute(sql: "DELETE FROM course_instructor WHERE course_id = ? AND user_id = ?", arguments: [courseID, userID])
            return db.changesCount > 0
        }
    }

    /// The instructors of `courseSlug`: name and address.
    public func instructors(courseSlug: String) async throws -> [(name: String, email: String)] {
        try await database.pool.read { db in
            guard let courseID = try Int64.fetchOne(db, sql: "SELECT id FROM course WHERE slug = ?", arguments: [courseSlug]) else {
                throw CheckpointStoreError.noSuchCourse(courseSlug)
            }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT users.name, users.email FROM course_instructor JOIN users ON users.id = course_instructor.user_id
                    WHERE course_instructor.course_id = ? ORDER BY users.name
                    """, arguments: [courseID]
            ).map { ($0["name"], $0["email"]) }
        }
    }

    /// Whether `userID` teaches the course `courseID`.
    public func teaches(userID: Int64, courseID: Int64) async throws -> Bool {
        try await database.pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM course_instructor WHERE user_id = ? AND course_id = ?", arguments: [userID, courseID]) ?? false
        }
    }

    /// Whether `userID` teaches any course (so the navigation offers the review queue).
    public func teachesAnyCourse(userID: Int64) async throws -> Bool {
        try await database.readHere { db in
            try Bool.fetchOne(db, cachedSQL("SELECT 1 FROM course_instructor WHERE user_id = ? LIMIT 1", [userID])) ?? false
        }
    }

    static func courseAndUser(_ db: Database, courseSlug: String, email: String) throws -> (Int64, Int64) {
        guard let courseID = try Int64.fetchOne(db, sql: "SELECT id FROM course WHERE slug = ? AND is_removed = 0", arguments: [courseSlug]) else {
            throw CheckpointStoreError.noSuchCourse(courseSlug)
        }
        return (courseID, try userID(db, email: email))
    }

    static func userID(_ db: Database, email: String) throws -> Int64 {
        guard let userID = try Int64.fetchOne(db, sql: "SELECT id FROM users WHERE email_key = ?", arguments: [EmailAddress.key(email)]) else {
            throw CheckpointStoreError.noSuchUser(email)
        }
        return userID
    }

    // MARK: Learners

    /// Every version a learner sent for a checkpoint, newest first.
    public func submissions(userID: Int64, lessonID: Int64) async throws -> [CheckpointSubmission] {
        try await database.readHere { db in try Self.submissions(db, userID: userID, lessonID: lessonID) }
    }

    static func submissions(_ db: Database, userID: Int64, lessonID: Int64) throws -> [CheckpointSubmission] {
        try Row.fetchAll(
            db,
            cachedSQL(
                """
                SELECT checkpoint_submission.*, reviewer.name AS reviewer_name FROM checkpoint_submission
                LEFT JOIN users AS reviewer ON reviewer.id = checkpoint_submission.reviewer_id
                WHERE checkpoint_submission.user_id = ? AND checkpoint_submission.lesson_id = ? ORDER BY version DESC
                """, [userID, lessonID])
        ).map(CheckpointSubmission.init(row:))
    }

    /// Records a new version. Refused while one waits for review, and once the checkpoint is approved.
    public func submit(userID: Int64, lessonID: Int64, answer: CheckpointAnswer, now: Date = Date()) async throws -> CheckpointSubmission {
        try await database.write(changesPublicPages: false) { db in
            try SQLiteEnrolmentStore.requireOpen(db, userID: userID, lessonID: lessonID, now: now)
            let latest = try Row.fetchOne(
                db, sql: "SELECT version, status FROM checkpoint_submission WHERE user_id = ? AND lesson_id = ? ORDER BY version DESC LIMIT 1",
                arguments: [userID, lessonID])
            let version = try CheckpointSubmission.nextVersion(after: latest.map { (version: $0["version"] as Int, status: $0["status"] as String) })
            try db.execute(
                sql: """
                    INSERT INTO checkpoint_submission (user_id, lesson_id, version, body, link, status, submitted_at)
                    VALUES (?, ?, ?, ?, ?, 'submitted', ?)
                    """, arguments: [userID, lessonID, version, answer.text, answer.link, now])
            let id = db.lastInsertedRowID
            let courseID = try Int64.fetchOne(db, sql: "SELECT course_id FROM lesson WHERE id = ?", arguments: [lessonID])
            try SQLiteEventLog.append(db, .checkpointSubmitted, userID: userID, subjectID: id, courseID: courseID, now: now)
            return CheckpointSubmission(
                id: id, userID: userID, lessonID: lessonID, version: version, text: answer.text, link: answer.link,
                status: .submitted, submittedAt: now)
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

    /// Submissions waiting for `reviewerID`, oldest first: only those of courses they teach.
    public func queue(reviewerID: Int64) async throws -> [ReviewItem] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.itemColumns) \(Self.itemJoins)
                    JOIN course_instructor ON course_instructor.course_id = course.id AND course_instructor.user_id = ?
                    WHERE checkpoint_submission.status = 'submitted' AND lesson.is_removed = 0
                    ORDER BY checkpoint_submission.submitted_at, checkpoint_submission.id
                    """, arguments: [reviewerID]
            ).map(ReviewItem.init(row:))
        }
    }

    /// Every waiting submission, oldest first, of one course or all (the operator's view, from the CLI).
    public func waiting(courseSlug: String? = nil) async throws -> [ReviewItem] {
        try await database.pool.read { db in
            if let courseSlug, try Int64.fetchOne(db, sql: "SELECT id FROM course WHERE slug = ?", arguments: [courseSlug]) == nil {
                throw CheckpointStoreError.noSuchCourse(courseSlug)
            }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.itemColumns) \(Self.itemJoins)
                    WHERE checkpoint_submission.status = 'submitted' AND lesson.is_removed = 0 AND (? IS NULL OR course.slug = ?)
                    ORDER BY checkpoint_submission.submitted_at, checkpoint_submission.id
                    """, arguments: [courseSlug, courseSlug]
            ).map(ReviewItem.init(row:))
        }
    }

    /// One submission, whoever reviews it (the operator's view, from the CLI).
    public func item(id: Int64) async throws -> ReviewItem? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.itemColumns) \(Self.itemJoins) WHERE checkpoint_submission.id = ?", arguments: [id])
                .map(ReviewItem.init(row:))
        }
    }

    /// The account id of `email`, for a review recorded from the CLI in an instructor's name.
    public func userID(email: String) async throws -> Int64 {
        try await database.pool.read { db in try Self.userID(db, email: email) }
    }

    /// One submission with what its review needs, for `reviewerID` if they teach its course (nil otherwise: the
    /// submissions of other courses are not theirs to see).
    public func item(id: Int64, reviewerID: Int64) async throws -> ReviewItem? {
        try await database.pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT \(Self.itemColumns) \(Self.itemJoins)
                    JOIN course_instructor ON course_instructor.course_id = course.id AND course_instructor.user_id = ?
                    WHERE checkpoint_submission.id = ?
                    """, arguments: [reviewerID, id]
            ).map(ReviewItem.init(row:))
        }
    }

    /// Records a review by `reviewerID`, who must teach the course and not be the learner. An approval completes the
    /// checkpoint in the same transaction. Returns the reviewed item and the course's certificate code, if any.
    public func review(id: Int64, reviewerID: Int64, decision: ReviewDecision, now: Date = Date()) async throws -> (
        item: ReviewItem, certificateCode: String?
    ) {
        // An approval may complete the course and issue a certificate (a public page), and other processes' caches
        // must hear of it: the site revision moves.
        try await database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.itemColumns) \(Self.itemJoins) WHERE checkpoint_submission.id = ?", arguments: [id])
            else { throw CheckpointStoreError.noSuchSubmission(id) }
            var item = ReviewItem(row: row)
            let teaches =
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM course_instructor WHERE course_id = ? AND user_id = ?", arguments: [item.courseID, reviewerID]) ?? false
            let (status, feedback) = try item.outcome(of: decision, reviewerID: reviewerID, teaches: teaches)
            try db.execute(
                sql: "UPDATE checkpoint_submission SET status = ?, reviewer_id = ?, reviewed_at = ?, feedback = ? WHERE id = ? AND status = 'submitted'",
                arguments: [status.rawValue, reviewerID, now, feedback, id])
            let reviewerName = try String.fetchOne(db, sql: "SELECT name FROM users WHERE id = ?", arguments: [reviewerID])
            item.record(status, feedback: feedback, reviewerName: reviewerName, at: now)
            try SQLiteEventLog.append(db, .checkpointReviewed, userID: item.submission.userID, subjectID: id, courseID: item.courseID, now: now)
            guard status == .approved else { return (item, nil) }
            let code = try SQLiteEnrolmentStore.markComplete(
                db, userID: item.submission.userID, courseID: item.courseID, lessonID: item.submission.lessonID, learnerName: item.learnerName, now: now)
            return (item, code)
        }
    }
}

/// What one instructor has waiting for review, for their daily digest.
public struct ReviewDigest: Sendable, Equatable {
    public var instructorEmail: String
    public var instructorName: String
    /// Waiting submissions of the courses they teach, oldest first (never their own work).
    public var waiting: [(courseTitle: String, lessonTitle: String, learnerName: String, submittedAt: Date, id: Int64)]

    public static func == (left: ReviewDigest, right: ReviewDigest) -> Bool {
        left.instructorEmail == right.instructorEmail && left.waiting.map(\.id) == right.waiting.map(\.id)
    }
}

extension SQLiteCheckpointStore {
    /// Each instructor with submissions waiting in the courses they teach, with those submissions.
    public func digests() async throws -> [ReviewDigest] {
        try await database.pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT instructor.email AS instructor_email, instructor.name AS instructor_name, course.title AS course_title,
                        lesson.title AS lesson_title, learner.name AS learner_name, checkpoint_submission.submitted_at, checkpoint_submission.id
                    FROM checkpoint_submission JOIN lesson ON lesson.id = checkpoint_submission.lesson_id
                    JOIN course ON course.id = lesson.course_id AND course.is_removed = 0
                    JOIN course_instructor ON course_instructor.course_id = course.id
                    JOIN users AS instructor ON instructor.id = course_instructor.user_id
                    JOIN users AS learner ON learner.id = checkpoint_submission.user_id
                    WHERE checkpoint_submission.status = 'submitted' AND lesson.is_removed = 0 AND checkpoint_submission.user_id != instructor.id
                    ORDER BY instructor.email, checkpoint_submission.submitted_at, checkpoint_submission.id
                    """)
            return ReviewDigest.grouping(
                rows.map {
                    (
                        instructorEmail: $0["instructor_email"] as String, instructorName: $0["instructor_name"] as String,
                        courseTitle: $0["course_title"] as String, lessonTitle: $0["lesson_title"] as String, learnerName: $0["learner_name"] as String,
                        submittedAt: $0["submitted_at"] as Date, id: $0["id"] as Int64
                    )
                })
        }
    }
}

/// A name given to the checkpoint store that does not exist.
public enum CheckpointStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case noSuchCourse(String)
    case noSuchUser(String)
    case noSuchSubmission(Int64)

    public var description: String {
        switch self {
        case .noSuchCourse(let slug): "there is no course '\(slug)' (see `lectern course list`)"
        case .noSuchUser(let email): "there is no account with the address \(email) (see `lectern user list`)"
        case .noSuchSubmission(let id): "there is no submission \(id) (see `lectern review list`)"
        }
    }
}

extension CheckpointSubmission {
    init(row: Row) {
        self.init(
            id: row["id"], userID: row["user_id"], lessonID: row["lesson_id"], version: row["version"], text: row["body"], link: row["link"],
            status: SubmissionStatus(rawValue: row["status"]) ?? .submitted, submittedAt: row["submitted_at"], reviewerName: row["reviewer_name"],
            reviewedAt: row["reviewed_at"], feedback: row["feedback"])
    }
}

extension ReviewItem {
    init(row: Row) {
        self.init(
            submission: CheckpointSubmission(row: row), learnerName: row["learner_name"], learnerEmail: row["learner_email"], courseID: row["course_id"],
            courseSlug: row["course_slug"], courseTitle: row["course_title"], lessonSlug: row["lesson_slug"], lessonTitle: row["lesson_title"],
            briefHTML: row["brief_html"])
    }
}
