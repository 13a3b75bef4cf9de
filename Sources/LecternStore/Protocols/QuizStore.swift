import Foundation
import LecternCore

/// Knowledge checks: the quiz of a lesson, attempts, and the completion a pass brings.
public protocol QuizStore: Sendable {
    /// The quiz of `lessonID` and, for a signed-in learner, their attempts so far; nil when the lesson has none.
    func quiz(lessonID: Int64, userID: Int64?) async throws -> LessonQuiz?

    /// Records a graded attempt. A pass completes the lesson in the same transaction (and issues the certificate when
    /// that was the last required lesson). Returns the attempt's id and the course's certificate code, if any.
    func record(userID: Int64, courseID: Int64, lessonID: Int64, quizVersion: String, answers: QuizAnswers, result: QuizResult, learnerName: String, now: Date) async throws -> (attemptID: Int64, certificateCode: String?)

    /// An attempt of `userID` (another learner's attempt is not found).
    func attempt(id: Int64, userID: Int64) async throws -> QuizAttempt?
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension QuizStore {
    public func record(userID: Int64, courseID: Int64, lessonID: Int64, quizVersion: String, answers: QuizAnswers, result: QuizResult, learnerName: String, now: Date = Date()) async throws -> (attemptID: Int64, certificateCode: String?) {
        try await self.record(userID: userID, courseID: courseID, lessonID: lessonID, quizVersion: quizVersion, answers: answers, result: result, learnerName: learnerName, now: now)
    }
}
