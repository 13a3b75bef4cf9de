import Foundation
import LecternCore

/// `QuizStore` in PostgreSQL.
struct PostgresQuizStore: QuizStore {
    let database: PostgresSiteDatabase

    func quiz(lessonID: Int64, userID: Int64?) async throws -> LessonQuiz? {
        try await database.read { runner in try await Self.quiz(runner, lessonID: lessonID, userID: userID) }
    }

    static func quiz(_ runner: QueryRunner, lessonID: Int64, userID: Int64?) async throws -> LessonQuiz? {
        guard
            let row = try await runner.one("SELECT quiz, pass_mark FROM lesson WHERE id = \(lessonID) AND NOT is_removed", {
                (quiz: try $0["quiz"] as String?, passMark: try $0["pass_mark"] as Int)
            }),
            let quiz = JSONColumn.decode(Quiz.self, row.quiz)
        else { return nil }
        var lessonQuiz = LessonQuiz(lessonID: lessonID, quiz: quiz, passMark: row.passMark)
        if let userID,
            let summary = try await runner.one(
                """
                SELECT max(score) AS best, bool_or(passed) AS passed, max(created_at) AS last, count(*) AS attempts
                FROM quiz_attempt WHERE user_id = \(userID) AND lesson_id = \(lessonID)
                """,
                {
                    (
                        best: try $0["best"] as Int?, passed: try $0["passed"] as Bool?, last: try $0["last"] as Date?,
                        attempts: try $0["attempts"] as Int
                    )
                }),
            summary.attempts > 0
        {
            lessonQuiz.best = (summary.best ?? 0, summary.passed ?? false)
            lessonQuiz.lastAttemptAt = summary.last
            lessonQuiz.attempts = summary.attempts
        }
        return lessonQuiz
    }

    func record(
        userID: Int64, courseID: Int64, lessonID: Int64, quizVersion: String, answers: QuizAnswers, result: QuizResult, learnerName: String, now: Date
    ) async throws -> (attemptID: Int64, certificateCode: String?) {
        try await database.write { runner in
            try await PostgresEnrolmentStore.requireOpen(runner, userID: userID, lessonID: lessonID, now: now)
            guard
                let attemptID = try await runner.value(
                    """
                    INSERT INTO quiz_attempt (user_id, lesson_id, quiz_version, answers, correct, total, score, passed, created_at)
                    VALUES (\(userID), \(lessonID), \(quizVersion), \(StoredAnswers.column(answers, result)), \(result.correct), \(result.total),
                        \(result.score), \(result.passed), \(now))
                    RETURNING id
                    """, as: Int64.self)
            else { throw InsertedNothing(table: "quiz_attempt") }
            guard result.passed else { return (attemptID, nil) }
            // Two passes (or a pass and an approval) finishing the course at once issue one certificate: the append
            // takes the event lock before the completion is read, and `PostgresEnrolmentStore.issueIfDue` holds it too.
            try await PostgresEventLog.append(runner, .quizPassed, userID: userID, subjectID: attemptID, courseID: courseID, now: now)
            let code = try await PostgresEnrolmentStore.markComplete(
                runner, userID: userID, courseID: courseID, lessonID: lessonID, learnerName: learnerName, now: now)
            return (attemptID, code)
        }
    }

    func attempt(id: Int64, userID: Int64) async throws -> QuizAttempt? {
        try await database.read { runner in
            try await runner.one("SELECT * FROM quiz_attempt WHERE id = \(id) AND user_id = \(userID)") { row in
                QuizAttempt(
                    id: try row["id"], userID: try row["user_id"], lessonID: try row["lesson_id"], quizVersion: try row["quiz_version"],
                    answersColumn: try row["answers"], correct: try row["correct"], total: try row["total"], score: try row["score"],
                    passed: try row["passed"], createdAt: try row["created_at"])
            }
        }
    }
}

/// An `INSERT … RETURNING` that returned no row (which PostgreSQL does not do without `ON CONFLICT` or a trigger).
private struct InsertedNothing: Error, CustomStringConvertible {
    var table: String
    var description: String { "inserting into \(table) returned no row" }
}
