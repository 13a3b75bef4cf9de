import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// A course's lessons through the API: a lesson (its body only for those who may read it), completing it, its
/// knowledge check's attempts and a checkpoint's submissions. Every rule is `Learning`'s; this says it in JSON.
struct LessonsAPIController: Sendable {
    let learning: Learning

    struct Option: Encodable {
        var id: String
        var textHTML: String

        enum CodingKeys: String, CodingKey {
            case id
            case textHTML = "text_html"
        }
    }

    struct Question: Encodable {
        var id: String
        /// single, multiple, text or number.
        var kind: String
        var promptHTML: String
        var options: [Option]

        enum CodingKeys: String, CodingKey {
            case id, kind, options
            case promptHTML = "prompt_html"
        }
    }

    /// A knowledge check as an enrolled learner answers it: the questions without what is right.
    struct QuizForm: Encodable {
        var passMark: Int
        var questions: [Question]
        var attempts: Int
        var bestScore: Int?
        var passed: Bool
        var nextAttemptAt: Date?
    }

    struct Submission: Encodable {
        var id: Int64
        var version: Int
        var text: String
        var link: String?
        /// submitted, approved or returned.
        var status: String
        var submittedAt: Date
        var reviewerName: String?
        var reviewedAt: Date?
        var feedback: String?
    }

    struct Lesson: Encodable {
        var course: String
        var slug: String
        var url: String
        var number: Int
        var title: String
        var module: String
        var kind: String
        var optional: Bool
        var preview: Bool
        var hasQuiz: Bool
        var readingMinutes: Int
        /// open (the body is here), locked (its module opens at `opens_at`) or enrol (for enrolled learners only).
        var access: String
        var opensAt: Date?
        var html: String?
        var completed: Bool?
        var quiz: QuizForm?
        var submissions: [Submission]?
    }

    struct Completion: Encodable {
        var course: String
        var lesson: String
        var completed: Bool
        var certificateCode: String?
    }

    struct Attempt: Encodable {
        var id: Int64
        var course: String
        var lesson: String
        var score: Int
        var correct: Int
        var total: Int
        var passed: Bool
        var correctQuestions: [String]
        var createdAt: Date
        var certificateCode: String?
    }

    struct SubmissionList: Encodable {
        var items: [Submission]
    }

    let baseURL: String

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let lesson: RouterPath = "courses/:slug/lessons/:lesson"
        group.get(lesson, use: show)
        group.rejectOtherMethods(lesson, allowing: [.get])
        group.put("\(lesson)/completion", use: complete)
        group.delete("\(lesson)/completion", use: undo)
        group.rejectOtherMethods("\(lesson)/completion", allowing: [.put, .delete])
        group.post("\(lesson)/quiz-attempts", use: answer)
        group.rejectOtherMethods("\(lesson)/quiz-attempts", allowing: [.post])
        group.get("\(lesson)/quiz-attempts/:attempt", use: attempt)
        group.rejectOtherMethods("\(lesson)/quiz-attempts/:attempt", allowing: [.get])
        group.get("\(lesson)/submissions", use: submissions)
        group.post("\(lesson)/submissions", use: submit)
        group.rejectOtherMethods("\(lesson)/submissions", allowing: [.get, .post])
    }

    /// The path's course and lesson slugs; a malformed one is no such course or lesson.
    private static func slugs(_ context: AppRequestContext) throws -> (course: String, lesson: String) {
        let course = try PlacesAPIController.slug(context)
        let lesson = try context.parameters.require("lesson")
        guard Slug.isValid(lesson) else { throw CourseRefusal.noSuchLesson(courseSlug: course, lessonSlug: lesson) }
        return (course, lesson)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (course, lesson) = try Self.slugs(context)
        let caller = context.caller
        // An administrator's token reads every lesson only with the admin scope; a `learn` caller opens the lesson as on
        // the site (their "Continue" place moves here), a `read` one only looks.
        let asAdmin = caller.map { $0.scope >= .admin } ?? false
        let access =
            caller.map({ $0.scope >= .learn }) ?? false
            ? try await learning.open(lesson, of: course, for: caller?.user, actingAsAdmin: asAdmin, logger: context.logger)
            : try await learning.lesson(lesson, of: course, for: caller?.user, actingAsAdmin: asAdmin)
        return try APIJSON.response(describe(access), for: request)
    }

    func describe(_ access: LessonAccess) -> Lesson {
        let learner = access.learner
        let lesson = access.lesson
        let slug = access.course.summary.slug
        let state = learner.lessonOpensAt != nil ? "locked" : access.canRead ? "open" : "enrol"
        var described = Lesson(
            course: slug, slug: lesson.slug, url: "\(baseURL)/courses/\(slug)/lessons/\(lesson.slug)", number: access.index + 1, title: lesson.title,
            module: lesson.module, kind: lesson.kind.rawValue, optional: lesson.isOptional, preview: lesson.isPreview, hasQuiz: lesson.hasQuiz,
            readingMinutes: lesson.readingMinutes, access: state, opensAt: learner.lessonOpensAt, html: access.html)
        guard learner.isEnrolled else { return described }
        described.completed = learner.progress?.completedLessonIDs.contains(lesson.id) ?? false
        if state == "open", let lessonQuiz = learner.lessonQuiz {
            let questions = lessonQuiz.quiz.questions.map { question in
                Question(
                    id: question.id, kind: question.kind.rawValue, promptHTML: question.promptHTML,
                    options: question.options.map { Option(id: $0.id, textHTML: $0.textHTML) })
            }
            described.quiz = QuizForm(
                passMark: lessonQuiz.passMark, questions: questions, attempts: lessonQuiz.attempts, bestScore: lessonQuiz.best?.score,
                passed: lessonQuiz.best?.passed ?? false,
                nextAttemptAt: Learning.nextAttempt(after: lessonQuiz.lastAttemptAt, retryMinutes: access.course.quizRetryMinutes).flatMap {
                    $0 > Date() ? $0 : nil
                })
        }
        if lesson.kind == .checkpoint, state == "open" { described.submissions = learner.submissions.map(Self.submission) }
        return described
    }

    static func submission(_ submission: CheckpointSubmission) -> Submission {
        Submission(
            id: submission.id, version: submission.version, text: submission.text, link: submission.link, status: submission.status.rawValue,
            submittedAt: submission.submittedAt, reviewerName: submission.reviewerName, reviewedAt: submission.reviewedAt, feedback: submission.feedback)
    }

    @Sendable func complete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try APICaller.require(.learn, in: context)
        let (course, lesson) = try Self.slugs(context)
        try await APIRequestBody.read(request, context: context).finish()
        let done = try await learning.complete(lesson, of: course, by: caller.user)
        return try APIJSON.response(Completion(course: course, lesson: lesson, completed: true, certificateCode: done.certificateCode))
    }

    @Sendable func undo(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try APICaller.require(.learn, in: context)
        let (course, lesson) = try Self.slugs(context)
        try await APIRequestBody.read(request, context: context).finish()
        _ = try await learning.undo(lesson, of: course, by: caller.user)
        return Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }

    @Sendable func answer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try APICaller.require(.learn, in: context)
        let (course, lesson) = try Self.slugs(context)
        var body = try await APIRequestBody.read(request, context: context)
        // Parsed no further than the service's limits allow (it checks them again, for every caller).
        let limits = Learning.answerLimits
        let answers = body.stringLists("answers", maxKeys: limits.questions, maxItems: limits.choices, maxLength: limits.characters)
        try body.finish()
        let submitted = try await learning.answerQuiz(answers ?? [:], lesson: lesson, of: course, by: caller.user)
        let result = submitted.result
        var response = try APIJSON.response(
            Attempt(
                id: submitted.attemptID, course: course, lesson: lesson, score: result.score, correct: result.correct, total: result.total,
                passed: result.passed, correctQuestions: result.correctQuestions, createdAt: submitted.createdAt, certificateCode: submitted.certificateCode),
            status: .created)
        response.headers[.location] = "/api/v1/courses/\(course)/lessons/\(lesson)/quiz-attempts/\(submitted.attemptID)"
        return response
    }

    @Sendable func attempt(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try APICaller.require(.read, in: context)
        let (course, lesson) = try Self.slugs(context)
        let raw = try context.parameters.require("attempt")
        // Another learner's attempt, or one of another lesson, is not found: attempts are private.
        guard raw.count <= 19, let id = Int64(raw), id > 0, let (access, attempt) = try await learning.attempt(id, lesson: lesson, of: course, by: caller.user)
        else {
            throw APIProblem(kind: .notFound, status: .notFound, detail: "There is no such attempt of yours at this knowledge check.")
        }
        let result = attempt.result
        return try APIJSON.response(
            Attempt(
                id: attempt.id, course: course, lesson: lesson, score: result.score, correct: result.correct, total: result.total, passed: result.passed,
                correctQuestions: result.correctQuestions, createdAt: attempt.createdAt, certificateCode: access.learner.certificateCode),
            for: request)
    }

    @Sendable func submissions(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try APICaller.require(.read, in: context)
        let (course, lesson) = try Self.slugs(context)
        let access = try await learning.lesson(lesson, of: course, for: caller.user)
        guard access.lesson.kind == .checkpoint else { throw CourseRefusal.notACheckpoint }
        return try APIJSON.response(SubmissionList(items: access.learner.submissions.map(Self.submission)), for: request)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try APICaller.require(.learn, in: context)
        let (course, lesson) = try Self.slugs(context)
        var body = try await APIRequestBody.read(request, context: context)
        let text = body.string("text", required: true, maxLength: CheckpointAnswer.maximumText)
        let link = body.string("link", maxLength: CheckpointAnswer.maximumLink)
        try body.finish()
        let submission = try await learning.submitCheckpoint(text: text ?? "", link: link ?? "", lesson: lesson, of: course, by: caller.user)
        var response = try APIJSON.response(Self.submission(submission), status: .created)
        response.headers[.location] = "/api/v1/courses/\(course)/lessons/\(lesson)/submissions"
        return response
    }
}
