import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// The catalogue and the course page (places are `PlaceController`'s).
struct CourseController: Sendable {
    let presenter: CoursePresenter
    let catalogueTemplate: PageTemplate
    let courseTemplate: PageTemplate
    let pageCache: PageCache

    var renderer: PageRenderer { presenter.renderer }

    init(presenter: CoursePresenter, pageCache: PageCache) throws {
        self.pageCache = pageCache
        self.presenter = presenter
        self.catalogueTemplate = try presenter.renderer.template("courses")
        self.courseTemplate = try presenter.renderer.template("course")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/courses", use: catalogue)
        group.get("/courses/:slug", use: show)
    }

    @Sendable func catalogue(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await pageCache.page(for: request, context: context) { try await self.renderCatalogue(request, context: context) }
    }

    private func renderCatalogue(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let now = Date()
        let courses = try await presenter.catalogue.catalogue().map {
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
}
