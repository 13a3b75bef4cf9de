import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// Pages from `Content/pages/` at `/<slug>`, and author profiles at `/authors/<slug>` with their posts and courses.
struct SitePageController: Sendable {
    let publishing: Publishing
    let renderer: PageRenderer
    let pageCache: PageCache
    let pageTemplate: PageTemplate
    let authorTemplate: PageTemplate

    init(publishing: Publishing, renderer: PageRenderer, pageCache: PageCache) throws {
        self.publishing = publishing
        self.renderer = renderer
        self.pageCache = pageCache
        self.pageTemplate = try renderer.template("page")
        self.authorTemplate = try renderer.template("author")
    }

    /// Registered after every other route: a page's address is any single segment the site does not answer itself.
    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/authors/:slug", use: author)
        group.get("/:slug", use: page)
    }

    static let noSuchPage = HTTPError(.notFound, message: "There is no page at this address. The links at the top and bottom of the page lead everywhere.")

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let slug = try context.parameters.require("slug")
        guard Slug.isValid(slug) else { throw Self.noSuchPage }
        return try await pageCache.page(for: request, context: context) {
            guard let page = try await publishing.sitePage(slug) else { throw Self.noSuchPage }
            let view = SitePageView(
                site: renderer.site,
                meta: renderer.meta(title: page.title, description: page.summary, path: "/\(slug)", session: context.session),
                title: page.title, html: page.html)
            return renderer.render(view, with: pageTemplate)
        }
    }

    @Sendable func author(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let slug = try context.parameters.require("slug")
        guard Slug.isValid(slug) else { throw Self.noSuchAuthor }
        return try await pageCache.page(for: request, context: context) {
            guard let (author, posts, courses) = try await publishing.author(slug) else { throw Self.noSuchAuthor }
            let written = posts.map(renderer.postCard)
            let now = Date()
            let taught = courses.map { SearchCourseView($0, at: now, dates: renderer.dates) }
            let view = AuthorPageView(
                site: renderer.site,
                meta: renderer.meta(
                    title: author.name, description: author.role.isEmpty ? "\(author.name) at \(renderer.site.name)." : "\(author.name), \(author.role).",
                    path: "/authors/\(slug)", session: context.session),
                name: author.name, role: author.role, bioHTML: author.bioHTML, photo: author.photo, photoAlt: author.photoAlt, posts: written,
                hasPosts: !written.isEmpty, courses: taught, hasCourses: !taught.isEmpty)
            return renderer.render(view, with: authorTemplate)
        }
    }

    static let noSuchAuthor = HTTPError(.notFound, message: "There is no author at this address. Posts and course pages link the people who wrote and teach them.")
}
