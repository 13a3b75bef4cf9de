import Foundation
import GRDB
import LecternCore

/// A lesson's knowledge check with what one learner has done with it so far.
public struct LessonQuiz: Sendable {
    public var lessonID: Int64
    public var quiz: Quiz
    public var passMark: Int
    /// The learner's best score and whether any attempt passed; nil before their first attempt.
    public var best: (score: Int, passed: Bool)?
    public var lastAttemptAt: Date?
    public var attempts = 0
}

/// One recorded attempt, as its results page shows it.
public struct QuizAttempt: Sendable {
    public var id: Int64
    public var userID: Int64
    public var lessonID: Int64
    public var quizVersion: String
    public var answers: QuizAnswers
    public var result: QuizResult
    public var createdAt: Date
}

/// `QuizStore` in SQLite, through GRDB.
public struct SQLiteQuizStore: QuizStore {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    /// The quiz of `lessonID` and, for a signed-in learner, their attempts so far; nil when the lesson has none.
    public func quiz(lessonID: Int64, userID: Int64?) async throws -> LessonQuiz? {
        try await database.readHere { db -> LessonQuiz? in try Self.quiz(db, lessonID: lessonID, userID: userID) }
    }

    static func quiz(_ db: Database, lessonID: Int64, userID: Int64?) throws -> LessonQuiz? {
        guard let row = try Row.fetchOne(db, cachedSQL("SELECT quiz, pass_mark FROM lesson WHERE id = ? AND is_removed = 0", [lessonID])),
            let quiz = JSONColumn.decode(Quiz.self, row["quiz"])
        else { return nil }
        var lessonQuiz = LessonQuiz(lessonID: lessonID, quiz: quiz, passMark: row["pass_mark"])
        if let userID,
            let summary = try Row.fetchOne(
                db,
                cachedSQL(
                    """
                    SELECT max(score) AS best, max(passed) AS passed, max(created_at) AS last, count(*) AS attempts
                    FROM quiz_attempt WHERE user_id = ? AND lesson_id = ?
                    """, [userID, lessonID])),
            let attempts = summary["attempts"] as Int?, attempts > 0
        {
            lessonQuiz.best = (summary["best"], summary["passed"])
            lessonQuiz.lastAttemptAt = summary["last"]
            lessonQuiz.attempts = attempts
        }
        return lessonQuiz
    }

    /// Records a graded attempt. A pass completes the lesson in the same transaction (and issues the certificate when
    /// that was the last required lesson). Returns the attempt's id and the course's certificate code, if any.
    public func record(
        userID: Int64, courseID: Int64, lessonID: Int64, quizVersion: String, answers: QuizAnswers, result: QuizResult, learnerName: String,
        now: Date = Date()
    ) async throws -> (attemptID: Int64, certificateCode: String?) {
        try await database.write { db in
            try SQLiteEnrolmentStore.requireOpen(db, userID: userID, lessonID: lessonID, now: now)
            try db.execute(
                sql: """
                    INSERT INTO quiz_attempt (user_id, lesson_id, quiz_version, answers, correct, total, score, passed, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    userID, lessonID, quizVersion, StoredAnswers.column(answers, result),
                    result.correct, result.total, result.score, result.passed, now,
                ])
            let attemptID = db.lastInsertedRowID
            guard result.passed else { return (attemptID, nil) }
            try SQLiteEventLog.append(db, .quizPassed, userID: userID, subjectID: attemptID, courseID: courseID, now: now)
            let code = try SQLiteEnrolmentStore.markComplete(db, userID: userID, courseID: courseID, lessonID: lessonID, learnerName: learnerName, now: now)
            return (attemptID, code)
        }
    }

    /// An attempt of `userID` (another learner's attempt is not found).
    public func attempt(id: Int64, userID: Int64) async throws -> QuizAttempt? {
        try await database.readHere { db -> QuizAttempt? in
            guard
                let row = try Row.fetchOne(
                    db, cachedSQL("SELECT * FROM quiz_attempt WHERE id = ? AND user_id = ?", [id, userID]))
            else { return nil }
            return QuizAttempt(
                id: row["id"], userID: row["user_id"], lessonID: row["lesson_id"], quizVersion: row["quiz_version"], answersColumn: row["answers"],
                correct: row["correct"], total: row["total"], score: row["score"], passed: row["passed"], createdAt: row["created_at"])
        }
    }
}
