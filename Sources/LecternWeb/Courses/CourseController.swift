import Foundation
import Hummingbird
import LecternCore
import LecternStore

/// The catalogue, the course page, enrolling and leaving.
struct CourseController: Sendable {
    let presenter: CoursePresenter
    var flash: FlashCookie { presenter.flash }
    let catalogueTemplate: PageTemplate
    let courseTemplate: PageTemplate
    let leaveTemplate: PageTemplate
    let pageCache: PageCache

    var renderer: PageRenderer { presenter.renderer }
    var enrolments: EnrolmentStore { presenter.enrolments }

    init(presenter: CoursePresenter, pageCache: PageCache) throws {
        self.pageCache = pageCache
        self.presenter = presenter
        self.catalogueTemplate = try presenter.renderer.template("courses")
        self.courseTemplate = try presenter.renderer.template("course")
        self.leaveTemplate = try presenter.renderer.template("leave")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/courses", use: catalogue)
        group.get("/courses/:slug", use: show)
        group.post("/courses/:slug/enrol", use: enrol)
        group.get("/courses/:slug/leave", use: confirmLeave)
        group.post("/courses/:slug/leave", use: leave)
    }

    @Sendable func catalogue(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await pageCache.page(for: request, context: context) { try await self.renderCatalogue(request, context: context) }
    }

    private func renderCatalogue(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let now = Date()
        let courses = try await presenter.courses.catalogue().map {
            CourseCardView($0, availability: AvailabilityView($0.availability(at: now), dates: renderer.dates), dates: renderer.dates)
        }
        let view = CatalogueView(
            site: renderer.site,
            meta: renderer.meta(
                title: "Courses", description: "Certificate and short courses in Python web development at \(renderer.site.name).", path: "/courses",
                section: "courses", session: context.session),
            courses: courses,
            hasCourses: !courses.isEmpty
        )
        return renderer.render(view, with: catalogueTemplate)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await pageCache.page(for: request, context: context) { try await self.renderCourse(request, context: context) }
    }

    private func renderCourse(_ request: Request, context: AppRequestContext) async throws -> HTML {
        var view = presenter.page(try await presenter.learnerCourse(try context.parameters.require("slug"), context: context), context: context)
        view.notice = context.flash?.text
        guard context.session?.user != nil else { return renderer.render(view, with: courseTemplate) }
        return renderer.renderPersonal(view, with: courseTemplate, cache: pageCache) { view, mark in
            view.meta.markViewer(mark)
            view.cta.csrf = view.cta.csrf.map(mark)
            view.certificateCode = view.certificateCode.map(mark)
        }
    }

    @Sendable func enrol(_ request: Request, context: AppRequestContext) async throws -> Response {
        let course = try await presenter.course(try context.parameters.require("slug"))
        let slug = course.summary.slug
        guard let user = context.session?.user else { return .redirect(to: "/login?enrol=\(slug)", type: .normal) }
        switch try await enrolments.enrol(userID: user.id, courseID: course.id) {
        case .enrolled:
            return .redirect(to: "/courses/\(slug)", flash: .enrolled, cookie: flash)
        case .alreadyEnrolled:
            return .redirect(to: "/courses/\(slug)", flash: .alreadyEnrolled, cookie: flash)
        case .needs(let mode):
            return .redirect(to: "/courses/\(slug)", flash: mode == .code ? .placeNeedsCode : .placeNeedsApproval, cookie: flash)
        case .refused(let state):
            // Not an error: the page explains why, with the course as it is now.
            var view = presenter.page(try await presenter.learnerCourse(slug, context: context), context: context)
            view.problem = Self.refusal(state, dates: renderer.dates)
            return try renderer.render(view, with: courseTemplate, status: .conflict).response(from: request, context: context)
        }
    }

    /// Why a place was refused, in the learner's words.
    static func refusal(_ state: EnrolmentState, dates: DateText) -> String {
        switch state {
        case .full: "Sorry, the last seat was taken before your request arrived. This course is full: you can join its waitlist."
        case .notYetOpen(let opens): "Enrolment has not opened yet. It opens on \(dates.long(opens))."
        case .closed(let closes): "Enrolment for this course closed on \(dates.long(closes))."
        case .open: "Enrolment is not possible right now."
        }
    }

    @Sendable func confirmLeave(_ request: Request, context: AppRequestContext) async throws -> Response {
        let course = try await presenter.course(try context.parameters.require("slug"))
        guard let session = context.session, session.user != nil else { return SessionGate.loginRedirect(for: request) }
        let view = LeaveCourseView(
            site: renderer.site,
            meta: renderer.meta(
                title: "Leave \(course.summary.title)", description: "Leave this course.", path: "/courses/\(course.summary.slug)/leave",
                noindex: true, session: session),
            slug: course.summary.slug, title: course.summary.title, csrf: session.csrfToken)
        return try renderer.render(view, with: leaveTemplate).response(from: request, context: context)
    }

    @Sendable func leave(_ request: Request, context: AppRequestContext) async throws -> Response {
        let course = try await presenter.course(try context.parameters.require("slug"))
        guard let user = context.session?.user else { return SessionGate.loginRedirect(for: request) }
        try await enrolments.leave(userID: user.id, courseID: course.id)
        return .redirect(to: "/dashboard", flash: .left, cookie: flash)
    }
}
