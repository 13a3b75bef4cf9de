import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// The home page: the school's pitch, the featured course and the latest posts.
struct HomeController: Sendable {
    let publishing: Publishing
    let renderer: PageRenderer
    let template: PageTemplate
    let pageCache: PageCache

    init(publishing: Publishing, renderer: PageRenderer, pageCache: PageCache) throws {
        self.pageCache = pageCache
        self.publishing = publishing
        self.renderer = renderer
        self.template = try renderer.template("home")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/", use: home)
    }

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await pageCache.page(for: request, context: context) { try await self.renderHome(request, context: context) }
    }

    private func renderHome(_ request: Request, context: AppRequestContext) async throws -> HTML {
        async let latest = publishing.latest(limit: 7)
        async let catalogue = publishing.catalogue()
        let cards = try await latest.map(renderer.postCard)
        let view = HomeView(
            site: renderer.site,
            meta: renderer.meta(
                title: "", description: "\(renderer.site.tagline): practical articles and certificate courses on Python and Flask.", path: "/",
                session: context.session),
            featured: Array(cards.prefix(1)),
            more: Array(cards.dropFirst()),
            course: try await renderer.promotion(from: catalogue),
            hasPosts: !cards.isEmpty
        )
        return renderer.render(view, with: template)
    }
}
