import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// Lesson pages (for enrolled learners and admins), and marking lessons complete.
struct LessonController: Sendable {
    let presenter: CoursePresenter
    let learning: Learning
    var flash: FlashCookie { presenter.flash }
    let template: PageTemplate
    /// Keeps the skeletons of signed-in lesson pages (see `PersonalPage`).
    let pageCache: PageCache

    var renderer: PageRenderer { presenter.renderer }

    init(presenter: CoursePresenter, learning: Learning, pageCache: PageCache) throws {
        self.presenter = presenter
        self.learning = learning
        self.pageCache = pageCache
        self.template = try presenter.renderer.template("lesson")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/courses/:slug/lessons/:lesson", use: show)
        group.post("/courses/:slug/lessons/:lesson/complete", use: complete)
        group.post("/courses/:slug/lessons/:lesson/undo", use: undo)
    }

    /// The lesson of the path as the visitor sees it (one read).
    func find(_ context: AppRequestContext) async throws -> LessonAccess {
        try await learning.lesson(try context.parameters.require("lesson"), of: try context.parameters.require("slug"), for: context.session?.user)
    }

    /// What a lesson form posts to: the lesson itself, its knowledge check, or its checkpoint.
    enum Part {
        case lesson, quiz, checkpoint
    }

    /// The signed-in user, or nil for a visitor (whom the caller sends to log in) once the address is known to name
    /// something that exists: a missing course, lesson, knowledge check or checkpoint is a 404 for everyone.
    func user(_ context: AppRequestContext, for part: Part = .lesson) async throws -> User? {
        if let user = context.session?.user { return user }
        let access = try await find(context)
        switch part {
        case .lesson: break
        case .quiz: guard access.lesson.hasQuiz else { throw CourseRefusal.noQuiz }
        case .checkpoint: guard access.lesson.kind == .checkpoint else { throw CourseRefusal.notACheckpoint }
        }
        return nil
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let access = try await learning.open(
            try context.parameters.require("lesson"), of: try context.parameters.require("slug"), for: context.session?.user, logger: context.logger)
        return try render(access, request: request, context: context)
    }

    /// The lesson page; `answers` and `problems` refill the knowledge check when answers came back incomplete, and
    /// `submission` the checkpoint's form when a submission was refused.
    func render(
        _ access: LessonAccess, request: Request, context: AppRequestContext, answers: QuizAnswers = [:],
        problems: [String: String] = [:], submission: (text: String, link: String, problems: [String: String])? = nil,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let (learner, lesson, index, canRead) = (access.learner, access.lesson, access.index, access.canRead)
        let course = learner.course
        let slug = course.summary.slug
        var view = LessonPageView(
            site: renderer.site,
            meta: renderer.meta(
                title: "\(lesson.title) · \(course.summary.title)", description: "Lesson \(index + 1) of \(course.summary.title): \(lesson.title).",
                path: "/courses/\(slug)/lessons/\(lesson.slug)", section: "courses", noindex: !canRead, session: context.session),
            courseSlug: slug, courseTitle: course.summary.title, slug: lesson.slug, title: lesson.title, module: lesson.module, number: index + 1,
            minutes: lesson.readingMinutes, isOptional: lesson.isOptional, html: nil, isDone: false, csrf: context.session?.csrfToken ?? "")
        view.exerciseMinutes = lesson.exerciseMinutes
        guard canRead else {
            // Others see the syllabus and the call to enrol, never the lesson itself.
            view.locked = presenter.page(learner, context: context)
            return try renderer.render(view, with: template, status: .forbidden).response(from: request, context: context)
        }
        let isAdmin = access.isAdmin
        let modules = presenter.syllabus(learner, canRead: learner.isEnrolled || isAdmin, current: lesson.id)
        view.syllabus = PlayerSyllabusView(
            courseSlug: slug, courseTitle: course.summary.title, modules: modules,
            doneCount: modules.flatMap(\.lessons).filter(\.isDone).count, lessonCount: course.lessons.count, showsProgress: learner.isEnrolled)
        if let opens = learner.lessonOpensAt {
            view.opens = renderer.dates.long(opens)
            return try renderPersonal(view, status: .forbidden, request: request, context: context)
        }
        if !learner.isEnrolled, !isAdmin {
            // A free preview: the lesson and the course's call to action, no knowledge check or progress.
            view.preview = presenter.page(learner, context: context)
        }
        view.html = access.html
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
        // Previous and next as the syllabus shows them: a locked or (for a visitor) closed lesson is not linked.
        let shown = Dictionary(modules.flatMap(\.lessons).map { ($0.lessonID, $0) }) { first, _ in first }
        view.previous = index > 0 ? shown[Int(course.lessons[index - 1].id)] : nil
        view.next = index + 1 < course.lessons.count ? shown[Int(course.lessons[index + 1].id)] : nil
        if learner.isEnrolled, let progress = learner.progress {
            view.isDone = progress.completedLessonIDs.contains(lesson.id)
            view.progress = ProgressView(progress, certified: learner.certificateCode != nil, unverified: context.session?.user?.isEmailVerified == false)
            view.certificateCode = learner.certificateCode
        }
        view.notice =
            context.flash == .lessonDone && view.certificateCode != nil && view.progress?.percent == 100
            ? "Lesson complete, and with it the course. Your certificate is ready." : context.flash?.text
        return try renderPersonal(view, status: status, request: request, context: context)
    }

    private func renderPersonal(
        _ view: LessonPageView, status: HTTPResponse.Status, request: Request, context: AppRequestContext
    ) throws -> Response {
        guard context.session?.user != nil else {
            return try renderer.render(view, with: template, status: status).response(from: request, context: context)
        }
        var html = renderer.renderPersonal(view, with: template, cache: pageCache) { view, mark in
            view.meta.markViewer(mark)
            view.csrf = mark(view.csrf)
            // A preview's course box carries the same viewer: without markers each visitor would get a skeleton of their own.
            let token = view.csrf
            view.preview?.meta.viewer = nil
            if view.preview?.cta.csrf != nil { view.preview?.cta.csrf = token }
            view.certificateCode = view.certificateCode.map(mark)
        }
        html.status = status
        return try html.response(from: request, context: context)
    }

    @Sendable func complete(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = try await user(context) else { return SessionGate.loginRedirect(for: request) }
        let done = try await learning.complete(try context.parameters.require("lesson"), of: try context.parameters.require("slug"), by: user)
        let (learner, lesson, index) = (done.access.learner, done.access.lesson, done.access.index)
        let course = learner.course
        // "Complete and continue": on to the next lesson, unless this finished the course (the certificate notice is here)
        // or the next lesson has not opened yet.
        if done.certificateCode == nil || learner.certificateCode != nil, index + 1 < course.lessons.count {
            let next = course.lessons[index + 1]
            if course.lockedUntil(next, enrolledAt: learner.enrolledAt, now: Date()) == nil { return .redirect(to: "/courses/\(course.summary.slug)/lessons/\(next.slug)", flash: .lessonDoneContinue, cookie: flash) }
        }
        return .redirect(to: "/courses/\(course.summary.slug)/lessons/\(lesson.slug)", flash: .lessonDone, cookie: flash)
    }

    @Sendable func undo(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = try await user(context) else { return SessionGate.loginRedirect(for: request) }
        let access = try await learning.undo(try context.parameters.require("lesson"), of: try context.parameters.require("slug"), by: user)
        return .redirect(to: "/courses/\(access.course.summary.slug)/lessons/\(access.lesson.slug)", flash: .lessonUndone, cookie: flash)
    }
}
