import Foundation
import LecternCore
import LecternStore
import Logging

/// A lesson as one caller may use it: the course as they see it, the lesson, and whether they may read it.
public struct LessonAccess: Sendable {
    public var learner: LearnerCourse
    public var lesson: LessonSummary
    /// The lesson's place in the syllabus, from 0.
    public var index: Int
    /// Enrolled learners, administrators and (for a free preview) everyone read the lesson.
    public var canRead: Bool
    /// Administrators read every lesson, enrolled or not.
    public var isAdmin: Bool

    public var course: CourseDetail { learner.course }
    /// The lesson's body, for a caller who may read it now (not before its module opens).
    public var html: String? { canRead && learner.lessonOpensAt == nil ? learner.lessonHTML : nil }
}

/// A graded knowledge check.
public struct QuizSubmission: Sendable {
    public var attemptID: Int64
    public var result: QuizResult
    /// The course's certificate, when the learner holds one afterwards.
    public var certificateCode: String?
    /// When the attempt was recorded, as stored.
    public var createdAt: Date
}

/// What marking a lesson complete led to.
public struct LessonCompletion: Sendable {
    public var access: LessonAccess
    /// The course's certificate, when the learner holds one afterwards.
    public var certificateCode: String?
}

/// Reading lessons, completing them, knowledge checks and checkpoint submissions: the one place each happens, for the
/// lesson pages, the REST API and GraphQL alike.
public struct Learning: Sendable {
    let catalogue: Catalogue
    let enrolments: EnrolmentStore
    public let quizzes: QuizStore
    let checkpoints: CheckpointStore
    let now: @Sendable () -> Date

    public init(database: any SiteDatabase, catalogue: Catalogue, now: @escaping @Sendable () -> Date = { Date() }) {
        self.catalogue = catalogue
        self.enrolments = database.enrolments
        self.quizzes = database.quizzes
        self.checkpoints = database.checkpoints
        self.now = now
    }

    /// When a learner whose last attempt was at `last` may try again.
    public static func nextAttempt(after last: Date?, retryMinutes: Int) -> Date? {
        guard let last, retryMinutes > 0 else { return nil }
        return last.addingTimeInterval(TimeInterval(retryMinutes * 60))
    }

    /// The lesson `lessonSlug` of the course `courseSlug` as `user` (nil: a visitor) sees it, in one read.
    /// `actingAsAdmin` false: an administrator's token below the admin scope reads only what a learner may.
    public func lesson(_ lessonSlug: String, of courseSlug: String, for user: User?, actingAsAdmin: Bool = true) async throws -> LessonAccess {
        let learner = try await catalogue.learnerCourse(courseSlug, userID: user?.id, lesson: Slug.isValid(lessonSlug) ? lessonSlug : nil)
        guard let index = learner.course.lessons.firstIndex(where: { $0.slug == lessonSlug }) else {
            throw CourseRefusal.noSuchLesson(courseSlug: courseSlug, lessonSlug: lessonSlug)
        }
        let lesson = learner.course.lessons[index]
        let isAdmin = user?.role == .admin && actingAsAdmin
        return LessonAccess(learner: learner, lesson: lesson, index: index, canRead: learner.isEnrolled || lesson.isPreview || isAdmin, isAdmin: isAdmin)
    }

    /// Opens a lesson to read: the lesson, and for an enrolled learner their place ("Continue") moved to it. The place is
    /// written only when it moved, and reading never depends on it: on a full disk the lesson is still served.
    public func open(_ lessonSlug: String, of courseSlug: String, for user: User?, actingAsAdmin: Bool = true, logger: Logger) async throws
        -> LessonAccess
    {
        let access = try await lesson(lessonSlug, of: courseSlug, for: user, actingAsAdmin: actingAsAdmin)
        let learner = access.learner
        if let user, learner.isEnrolled, learner.lessonOpensAt == nil, learner.lastLessonID != access.lesson.id {
            do {
                try await enrolments.rememberPlace(userID: user.id, courseID: learner.course.id, lessonID: access.lesson.id)
            } catch {
                logger.warning("could not remember the learner's place: \(error)")
            }
        }
        return access
    }

    /// The lesson for an action of an enrolled learner (completing, answering, submitting).
    /// `checkingSchedule` false: taking a completion back is allowed even where the release schedule locks the lesson
    /// again (a learner who left and came back starts a new schedule, and keeps what they completed).
    private func enrolledLesson(_ lessonSlug: String, of courseSlug: String, for user: User, checkingSchedule: Bool = true) async throws
        -> LessonAccess
    {
        let access = try await lesson(lessonSlug, of: courseSlug, for: user)
        guard access.learner.isEnrolled else { throw CourseRefusal.notEnrolled(courseTitle: access.course.summary.title) }
        if checkingSchedule, let opens = access.learner.lessonOpensAt { throw LessonLockedError(opensAt: opens) }
        return access
    }

    /// Marks a lesson complete for `user`; a knowledge check must be passed and a checkpoint approved first.
    public func complete(_ lessonSlug: String, of courseSlug: String, by user: User) async throws -> LessonCompletion {
        let access = try await enrolledLesson(lessonSlug, of: courseSlug, for: user)
        do {
            let code = try await enrolments.complete(userID: user.id, courseID: access.course.id, lessonID: access.lesson.id, learnerName: user.name)
            return LessonCompletion(access: access, certificateCode: code)
        } catch let refusal as LessonCompletionRefusal {
            throw CourseRefusal.completion(refusal)
        }
    }

    /// Takes a completion back (not once the course's certificate is issued).
    public func undo(_ lessonSlug: String, of courseSlug: String, by user: User) async throws -> LessonAccess {
        let access = try await enrolledLesson(lessonSlug, of: courseSlug, for: user, checkingSchedule: false)
        try await enrolments.undo(userID: user.id, lessonID: access.lesson.id)
        return access
    }

    /// The most any knowledge check takes: questions answered, choices per question, characters per choice. Larger
    /// answers are refused before the quiz is read.
    public static let answerLimits = (questions: 100, choices: 50, characters: 500)

    /// Grades `answers` to the lesson's knowledge check and records the attempt; a pass completes the lesson.
    public func answerQuiz(_ answers: QuizAnswers, lesson lessonSlug: String, of courseSlug: String, by user: User) async throws -> QuizSubmission {
        let access = try await enrolledLesson(lessonSlug, of: courseSlug, for: user)
        let limits = Self.answerLimits
        guard answers.count <= limits.questions,
            answers.allSatisfy({ $0.key.unicodeScalars.count <= limits.characters && $0.value.count <= limits.choices && $0.value.allSatisfy { $0.unicodeScalars.count <= limits.characters } })
        else { throw CourseRefusal.answersTooLarge }
        // Read again, not taken from a page: the quiz and the attempts as they are now.
        guard access.lesson.hasQuiz, let lessonQuiz = try await quizzes.quiz(lessonID: access.lesson.id, userID: user.id) else {
            throw CourseRefusal.noQuiz
        }
        let now = now()
        if let opens = Self.nextAttempt(after: lessonQuiz.lastAttemptAt, retryMinutes: access.course.quizRetryMinutes), opens > now {
            throw CourseRefusal.quizTooSoon(until: opens)
        }
        let result: QuizResult
        do throws(QuizAnswerProblem) {
            result = try QuizGrader.grade(lessonQuiz.quiz, answers: answers, passMark: lessonQuiz.passMark)
        } catch {
            throw CourseRefusal.quizIncomplete(error)
        }
        let recorded = try await quizzes.record(
            userID: user.id, courseID: access.course.id, lessonID: access.lesson.id, quizVersion: lessonQuiz.quiz.version, answers: answers,
            result: result, learnerName: user.name, now: now)
        // The time as stored (SQLite keeps milliseconds): the answer and a later read of the attempt must agree, even
        // when `now` falls within a millisecond of a second's end.
        let stored = try await quizzes.attempt(id: recorded.attemptID, userID: user.id)?.createdAt ?? now
        return QuizSubmission(attemptID: recorded.attemptID, result: result, certificateCode: recorded.certificateCode, createdAt: stored)
    }

    /// One of `user`'s own attempts at the lesson's knowledge check (another learner's, or another lesson's, is not found).
    public func attempt(_ id: Int64, lesson lessonSlug: String, of courseSlug: String, by user: User) async throws -> (LessonAccess, QuizAttempt)? {
        let access = try await lesson(lessonSlug, of: courseSlug, for: user)
        guard let attempt = try await quizzes.attempt(id: id, userID: user.id), attempt.lessonID == access.lesson.id else { return nil }
        return (access, attempt)
    }

    /// Sends work to a checkpoint for an instructor's review.
    public func submitCheckpoint(text: String, link: String, lesson lessonSlug: String, of courseSlug: String, by user: User) async throws
        -> CheckpointSubmission
    {
        let access = try await enrolledLesson(lessonSlug, of: courseSlug, for: user)
        guard access.lesson.kind == .checkpoint else { throw CourseRefusal.notACheckpoint }
        let answer: CheckpointAnswer
        do throws(CheckpointAnswer.Problems) {
            answer = try CheckpointAnswer(text: text, link: link)
        } catch {
            throw CourseRefusal.checkpointInvalid(error)
        }
        do {
            return try await checkpoints.submit(userID: user.id, lessonID: access.lesson.id, answer: answer, now: now())
        } catch let refusal as CheckpointRefusal {
            throw CourseRefusal.checkpoint(refusal)
        }
    }
}
