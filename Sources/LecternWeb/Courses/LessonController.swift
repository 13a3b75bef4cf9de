import Foundation
import Hummingbird
import LecternCore
import LecternStore

/// Lesson pages (for enrolled learners and admins), and marking lessons complete.
struct LessonController: Sendable {
    let presenter: CoursePresenter
    var flash: FlashCookie { presenter.flash }
    let template: PageTemplate
    /// Keeps the skeletons of signed-in lesson pages (see `PersonalPage`).
    let pageCache: PageCache

    var renderer: PageRenderer { presenter.renderer }
    var enrolments: EnrolmentStore { presenter.enrolments }

    init(presenter: CoursePresenter, pageCache: PageCache) throws {
        self.presenter = presenter
        self.pageCache = pageCache
        self.template = try presenter.renderer.template("lesson")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/courses/:slug/lessons/:lesson", use: show)
        group.post("/courses/:slug/lessons/:lesson/complete", use: complete)
        group.post("/courses/:slug/lessons/:lesson/undo", use: undo)
    }

    /// The course as the visitor sees it (one read), the lesson, and whether the visitor may read it.
    func find(_ context: AppRequestContext) async throws -> (LearnerCourse, LessonSummary, Int, canRead: Bool) {
        let slug = try context.parameters.require("lesson")
        let learner = try await presenter.learnerCourse(try context.parameters.require("slug"), context: context, lesson: slug)
        guard let index = learner.course.lessons.firstIndex(where: { $0.slug == slug }) else {
            throw HTTPError(.notFound, message: "This course has no such lesson. It may have been renamed or removed; see the syllabus.")
        }
        return (learner, learner.course.lessons[index], index, learner.isEnrolled || context.session?.user?.role == .admin)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let found = try await find(context)
        return try render(found, request: request, context: context)
    }

    /// The lesson page; `answers` and `problems` refill the knowledge check when answers came back incomplete, and
    /// `submission` the checkpoint's form when a submission was refused.
    func render(
        _ found: (LearnerCourse, LessonSummary, Int, canRead: Bool), request: Request, context: AppRequestContext, answers: QuizAnswers = [:],
        problems: [String: String] = [:], submission: (text: String, link: String, problems: [String: String])? = nil,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let (learner, lesson, index, canRead) = found
        let course = learner.course
        let slug = course.summary.slug
        var view = LessonPageView(
            site: renderer.site,
            meta: renderer.meta(
                title: "\(lesson.title) · \(course.summary.title)", description: "Lesson \(index + 1) of \(course.summary.title): \(lesson.title).",
                path: "/courses/\(slug)/lessons/\(lesson.slug)", section: "courses", noindex: !canRead, session: context.session),
            courseSlug: slug, courseTitle: course.summary.title, slug: lesson.slug, title: lesson.title, module: lesson.module, number: index + 1,
            minutes: lesson.readingMinutes, isOptional: lesson.isOptional, html: nil, isDone: false, csrf: context.session?.csrfToken ?? "")
        guard canRead else {
            // Others see the syllabus and the call to enrol, never the lesson itself.
            view.locked = presenter.page(learner, context: context)
            return try renderer.render(view, with: template, status: .forbidden).response(from: request, context: context)
        }
        view.html = learner.lessonHTML
        view.hasQuiz = lesson.hasQuiz
        view.isCheckpoint = lesson.kind == .checkpoint
        if let lessonQuiz = learner.lessonQuiz, learner.isEnrolled {
            view.quiz = QuizFormView(
                lessonQuiz, action: "/courses/\(slug)/lessons/\(lesson.slug)/quiz", retryMinutes: course.quizRetryMinutes, now: Date(),
                dates: renderer.dates, answers: answers, problems: problems)
        }
        if lesson.kind == .checkpoint, learner.isEnrolled {
            view.checkpoint = CheckpointView(
                learner.submissions, action: "/courses/\(slug)/lessons/\(lesson.slug)/submissions", dates: renderer.dates,
                text: submission?.text ?? "", link: submission?.link ?? "", problems: submission?.problems ?? [:])
        }
        func link(_ other: LessonSummary, _ number: Int) -> SyllabusLessonView {
            SyllabusLessonView(
                title: other.title, url: "/courses/\(slug)/lessons/\(other.slug)", minutes: other.readingMinutes, isOptional: other.isOptional,
                isDone: false, number: number)
        }
        view.previous = index > 0 ? link(course.lessons[index - 1], index) : nil
        view.next = index + 1 < course.lessons.count ? link(course.lessons[index + 1], index + 2) : nil
        if learner.isEnrolled, let progress = learner.progress {
            view.isDone = progress.completedLessonIDs.contains(lesson.id)
            view.progress = ProgressView(progress)
            view.certificateCode = learner.certificateCode
        }
        view.notice =
            context.flash == .lessonDone && view.certificateCode != nil && view.progress?.percent == 100
            ? "Lesson complete, and with it the course. Your certificate is ready." : context.flash?.text
        guard context.session?.user != nil else {
            return try renderer.render(view, with: template, status: status).response(from: request, context: context)
        }
        var html = renderer.renderPersonal(view, with: template, cache: pageCache) { view, mark in
            view.meta.markViewer(mark)
            view.csrf = mark(view.csrf)
            view.certificateCode = view.certificateCode.map(mark)
        }
        html.status = status
        return try html.response(from: request, context: context)
    }

    @Sendable func complete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (learner, lesson, _, _) = try await find(context)
        let course = learner.course
        guard let user = context.session?.user else { return SessionGate.loginRedirect(for: request) }
        guard learner.isEnrolled else { throw HTTPError(.forbidden, message: "Enrol in \(course.summary.title) to track your progress through its lessons.") }
        do {
            try await enrolments.complete(userID: user.id, courseID: course.id, lessonID: lesson.id, learnerName: user.name)
        } catch let refusal as LessonCompletionRefusal {
            throw HTTPError(.conflict, message: refusal.message)
        }
        return .redirect(to: "/courses/\(course.summary.slug)/lessons/\(lesson.slug)", flash: .lessonDone, cookie: flash)
    }

    @Sendable func undo(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (learner, lesson, _, _) = try await find(context)
        let course = learner.course
        guard let user = context.session?.user else { return SessionGate.loginRedirect(for: request) }
        guard learner.isEnrolled else { throw HTTPError(.forbidden, message: "Enrol in \(course.summary.title) to track your progress through its lessons.") }
        try await enrolments.undo(userID: user.id, lessonID: lesson.id)
        return .redirect(to: "/courses/\(course.summary.slug)/lessons/\(lesson.slug)", flash: .lessonUndone, cookie: flash)
    }
}
