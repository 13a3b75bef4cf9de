import Foundation
import LecternCore
import LecternStore

/// Knowledge checks: grading a learner's answers and recording the attempt. The one place this happens, for every
/// adapter (the lesson page today; the API later).
struct QuizService: Sendable {
    let quizzes: QuizStore
    let now: @Sendable () -> Date

    /// Why answers were not graded.
    enum Refusal: Error {
        case notEnrolled
        case noQuiz
        /// The course's pause between attempts runs until then.
        case tooSoon(until: Date)
        /// Something to fix in the answers: nothing was recorded.
        case incomplete(QuizAnswerProblem)
    }

    struct Submitted: Sendable {
        var attemptID: Int64
        var result: QuizResult
        var certificateCode: String?
    }

    /// When a learner whose last attempt was at `last` may try again.
    static func nextAttempt(after last: Date?, retryMinutes: Int) -> Date? {
        guard let last, retryMinutes > 0 else { return nil }
        return last.addingTimeInterval(TimeInterval(retryMinutes * 60))
    }

    /// Grades `answers` to the quiz of `lesson` for `user`, who must be enrolled; a pass completes the lesson.
    func submit(_ answers: QuizAnswers, lesson: LessonSummary, in learner: LearnerCourse, user: User) async throws -> Submitted {
        guard learner.isEnrolled else { throw Refusal.notEnrolled }
        // Read again, not taken from the page: the quiz and the attempts as they are now.
        guard let lessonQuiz = try await quizzes.quiz(lessonID: lesson.id, userID: user.id) else { throw Refusal.noQuiz }
        let now = now()
        if let opens = Self.nextAttempt(after: lessonQuiz.lastAttemptAt, retryMinutes: learner.course.quizRetryMinutes), opens > now {
            throw Refusal.tooSoon(until: opens)
        }
        let result: QuizResult
        do throws(QuizAnswerProblem) {
            result = try QuizGrader.grade(lessonQuiz.quiz, answers: answers, passMark: lessonQuiz.passMark)
        } catch {
            throw Refusal.incomplete(error)
        }
        let recorded = try await quizzes.record(
            userID: user.id, courseID: learner.course.id, lessonID: lesson.id, quizVersion: lessonQuiz.quiz.version, answers: answers,
            result: result, learnerName: user.name, now: now)
        return Submitted(attemptID: recorded.attemptID, result: result, certificateCode: recorded.certificateCode)
    }
}
