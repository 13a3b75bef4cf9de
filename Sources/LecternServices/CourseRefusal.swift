import Foundation
import LecternCore

/// Why a course operation was refused: decided once, in the services, and told to a browser (a page), an API client (a
/// problem document) or an operator (a message) in their own words. `LessonLockedError` and `CourseCertifiedError`
/// (raised inside the stores' writes) complete the set.
public enum CourseRefusal: Error, Sendable, Equatable {
    case noSuchCourse(slug: String)
    case noSuchLesson(courseSlug: String, lessonSlug: String)
    /// Lessons, progress, knowledge checks and checkpoints are for learners enrolled in the course.
    case notEnrolled(courseTitle: String)
    case notACheckpoint
    case noQuiz
    /// The course's pause between knowledge-check attempts runs until then.
    case quizTooSoon(until: Date)
    /// Answers that cannot be graded: nothing was recorded.
    case quizIncomplete(QuizAnswerProblem)
    /// More answers, choices or characters than any knowledge check takes (`Learning.answerLimits`): nothing was recorded.
    case answersTooLarge
    /// A checkpoint submission with something to fix: nothing was recorded.
    case checkpointInvalid(CheckpointAnswer.Problems)
    case checkpoint(CheckpointRefusal)
    case completion(LessonCompletionRefusal)
    /// An access code was not typed.
    case codeMissing
    case code(AccessCodeProblem)
    /// Too many wrong codes were tried from this account or network: wait that many seconds.
    case tooManyWrongCodes(retryAfter: TimeInterval)
    /// A request's note is longer than `RequestNote.maxLength`.
    case noteTooLong(count: Int)
    /// Enrolment is not possible now (full, not yet open, closed).
    case enrolmentClosed(EnrolmentState)
    /// Places on this course are given another way (by code, by approval), or to anyone who enrols (`open`).
    case placeNeeds(EnrolmentMode)
}

/// A note with a request for a place.
public enum RequestNote {
    public static let maxLength = 1000
}
