import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// A lesson's knowledge check: answers sent from the lesson page, and the results of each attempt.
struct QuizController: Sendable {
    let lessons: LessonController
    let template: PageTemplate

    var renderer: PageRenderer { lessons.renderer }
    var learning: Learning { lessons.learning }

    init(lessons: LessonController) throws {
        self.lessons = lessons
        self.template = try lessons.renderer.template("quiz-result")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/courses/:slug/lessons/:lesson/quiz", use: submit)
        group.get("/courses/:slug/lessons/:lesson/quiz/attempts/:attempt", use: result)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        guard let user = try await lessons.user(context, for: .quiz) else { return SessionGate.loginRedirect(for: request) }
        let (courseSlug, lessonSlug) = (try context.parameters.require("slug"), try context.parameters.require("lesson"))
        let form = try await FormFields.read(from: &request)
        var answers: QuizAnswers = [:]
        for name in form.names where name.hasPrefix("q.") { answers[String(name.dropFirst(2))] = form.all(name) }
        do {
            let submitted = try await learning.answerQuiz(answers, lesson: lessonSlug, of: courseSlug, by: user)
            return Response(status: .seeOther, headers: [.location: "/courses/\(courseSlug)/lessons/\(lessonSlug)/quiz/attempts/\(submitted.attemptID)"])
        } catch CourseRefusal.quizIncomplete(let problem) {
            // Shown again with what was chosen, and a word at each question that needs an answer.
            let access = try await lessons.find(context)
            return try lessons.render(access, request: request, context: context, answers: answers, problems: problem.questions, status: .unprocessableContent)
        }
    }

    @Sendable func result(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = try await lessons.user(context, for: .quiz) else { return SessionGate.loginRedirect(for: request) }
        let (courseSlug, lessonSlug) = (try context.parameters.require("slug"), try context.parameters.require("lesson"))
        // Another learner's attempt, or one of another lesson, is not found: attempts are private.
        guard let id = Int64(try context.parameters.require("attempt")),
            let (access, attempt) = try await learning.attempt(id, lesson: lessonSlug, of: courseSlug, by: user),
            let lessonQuiz = access.learner.lessonQuiz
        else {
            throw HTTPError(.notFound, message: "There is no such attempt of yours at this knowledge check.")
        }
        let (learner, lesson, index) = (access.learner, access.lesson, access.index)
        let course = learner.course
        let slug = course.summary.slug
        let lessonURL = "/courses/\(slug)/lessons/\(lesson.slug)"
        let passedEver = lessonQuiz.best?.passed ?? false
        let sameVersion = attempt.quizVersion == lessonQuiz.quiz.version
        let questions: [QuizResultQuestionView] =
            sameVersion
            ? lessonQuiz.quiz.questions.enumerated().map { number, question in
                Self.resultQuestion(question, number: number + 1, given: attempt.answers[question.id] ?? [], result: attempt.result, reveal: passedEver)
            } : []
        let next = index + 1 < course.lessons.count ? course.lessons[index + 1] : nil
        let opens = Learning.nextAttempt(after: lessonQuiz.lastAttemptAt, retryMinutes: course.quizRetryMinutes)
        let view = QuizResultPageView(
            site: renderer.site,
            meta: renderer.meta(
                title: "Knowledge check: \(lesson.title)", description: "Your answers to the knowledge check of \(lesson.title).",
                path: "\(lessonURL)/quiz/attempts/\(attempt.id)", section: "courses", noindex: true, session: context.session),
            courseSlug: slug, courseTitle: course.summary.title, lessonTitle: lesson.title, lessonURL: lessonURL, lessonNumber: index + 1,
            score: attempt.result.score, correct: attempt.result.correct, total: attempt.result.total, passMark: lessonQuiz.passMark,
            passed: attempt.result.passed, attemptedAt: renderer.dates.longWithTime(attempt.createdAt), questions: questions,
            changedNotice: sameVersion
                ? nil : "This knowledge check was changed after this attempt, so its questions are not shown against these answers. Your result stands.",
            nextURL: next.map { "/courses/\(slug)/lessons/\($0.slug)" }, nextTitle: next?.title,
            retryURL: "\(lessonURL)#knowledge-check",
            waitNotice: opens.flatMap { $0 > Date() ? "You can try again from \(renderer.dates.longWithTime($0))." : nil },
            certificateCode: learner.certificateCode,
            notice: attempt.result.passed && learner.certificateCode != nil && learner.progress?.isComplete == true
                ? "That completes the course: your certificate is ready." : nil)
        return try renderer.render(view, with: template).response(from: request, context: context)
    }

    /// One question of an attempt: what was answered, whether it was right, the explanations of what was chosen, and,
    /// for a question answered wrong, the right answer once the learner has passed.
    static func resultQuestion(_ question: QuizQuestion, number: Int, given: [String], result: QuizResult, reveal: Bool) -> QuizResultQuestionView {
        var givenHTML: [String] = []
        var explanations: [String] = []
        var right: String?
        switch question.kind {
        case .single, .multiple:
            for option in question.options where given.contains(option.id) {
                givenHTML.append(option.textHTML)
                if let explanation = option.explanationHTML { explanations.append(explanation) }
            }
            right = question.options.filter(\.isCorrect).map(\.textHTML).joined(separator: "; ")
        case .text:
            givenHTML = given.prefix(1).map(PageSkeleton.escape)
            right = question.answers.first.map(PageSkeleton.escape)
        case .number:
            givenHTML = given.prefix(1).map(PageSkeleton.escape)
            right = question.number.map { number in
                let answer = number.answer.rounded() == number.answer ? String(Int(number.answer)) : String(number.answer)
                return number.tolerance > 0 ? "\(answer) (± \(number.tolerance))" : answer
            }
        }
        if let explanation = question.explanationHTML { explanations.append(explanation) }
        var view = QuizResultQuestionView(
            number: number, promptHTML: question.promptHTML, isCorrect: result.isCorrect(question.id), givenHTML: givenHTML, explanations: explanations,
            rightAnswerHTML: reveal && !result.isCorrect(question.id) ? right : nil)
        view.givenSeveral = givenHTML.count > 1
        return view
    }
}
