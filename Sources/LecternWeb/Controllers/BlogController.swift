import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// The blog: the paged list, category and tag lists, and the post page (which counts views).
struct BlogController: Sendable {
    static let perPage = 10

    let publishing: Publishing
    let viewCounter: ViewCounter
    let views: ViewDeduplicator
    let renderer: PageRenderer
    let indexTemplate: PageTemplate
    let postTemplate: PageTemplate
    let pageCache: PageCache

    init(
        publishing: Publishing, viewCounter: ViewCounter, views: ViewDeduplicator, renderer: PageRenderer, pageCache: PageCache
    ) throws {
        self.views = views
        self.pageCache = pageCache
        self.publishing = publishing
        self.viewCounter = viewCounter
        self.renderer = renderer
        self.indexTemplate = try renderer.template("blog-index")
        self.postTemplate = try renderer.template("post")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/blog", use: index)
        group.get("/blog/category/:name", use: category)
        group.get("/blog/tag/:name", use: tag)
        group.get("/blog/:slug", use: show)
    }

    @Sendable func index(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await pageCache.page(for: request, context: context, parameters: ["page"]) { try await self.renderIndex(request, context: context) }
    }

    @Sendable func category(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await pageCache.page(for: request, context: context, parameters: ["page"]) { try await self.renderCategory(request, context: context) }
    }

    @Sendable func tag(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await pageCache.page(for: request, context: context, parameters: ["page"]) { try await self.renderTag(request, context: context) }
    }

    private func renderIndex(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await list(
            request, context: context, filter: .all, path: "/blog", heading: "Blog",
            intro: "Practical writing on Python web development from the instructors of \(renderer.site.name).")
    }

    private func renderCategory(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let slug = try context.parameters.require("name")
        guard let taxon = try await publishing.taxon(for: .category(slug: slug)) else {
            throw HTTPError(.notFound, message: "There is no category called “\(slug)”.")
        }
        return try await list(
            request, context: context, filter: .category(slug: slug), path: "/blog/category/\(slug)", heading: taxon.name,
            intro: "Posts in the \(taxon.name) category."
        )
    }

    private func renderTag(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let slug = try context.parameters.require("name")
        guard let taxon = try await publishing.taxon(for: .tag(slug: slug)) else {
            throw HTTPError(.notFound, message: "No post is tagged “\(slug)”.")
        }
        return try await list(
            request, context: context, filter: .tag(slug: slug), path: "/blog/tag/\(slug)", heading: "Tagged “\(taxon.name)”",
            intro: "Posts tagged \(taxon.name).")
    }

    private func list(_ request: Request, context: AppRequestContext, filter: PostFilter, path: String, heading: String, intro: String) async throws
        -> HTML
    {
        let page = try PageNumber.parse(request)
        async let pagedPosts = publishing.page(page, perPage: Self.perPage, filter: filter)
        async let categories = publishing.categories()
        let paged = try await pagedPosts
        try PageNumber.ensureExists(page, pageCount: paged.pageCount)
        let currentCategory: String? = if case .category(let slug) = filter { slug } else { nil }
        let categoryLinks = try await categories.map { entry in
            TaxonLinkView(
                name: entry.taxon.name, url: "/blog/category/\(entry.taxon.slug)", count: entry.count, isCurrent: entry.taxon.slug == currentCategory)
        }
        let pageSuffix = page > 1 ? " (page \(page))" : ""
        let view = BlogIndexView(
            site: renderer.site,
            meta: renderer.meta(
                title: heading + pageSuffix, description: intro, path: page > 1 ? "\(path)?page=\(page)" : path, section: "blog",
                session: context.session),
            heading: heading,
            intro: intro,
            posts: paged.items.map(renderer.postCard),
            pager: PagerView(page: page, pageCount: paged.pageCount) { $0 == 1 ? path : "\(path)?page=\($0)" },
            categories: categoryLinks,
            hasCategories: !categoryLinks.isEmpty,
            isAllPosts: filter == .all,
            hasPosts: !paged.items.isEmpty
        )
        return renderer.render(view, with: indexTemplate)
    }

    /// How a post page is kept for the next request: one page for every visitor without a session, one skeleton for
    /// every signed-in reader (their name and token are filled in), or not at all. Either way the view count is
    /// filled in on each request, so it stays exact.
    private enum Sharing {
        case anonymous(key: String)
        case signedIn(key: String, viewer: ViewerView)
        case none

        var key: String? {
            switch self {
            case .anonymous(let key), .signedIn(let key, _): key
            case .none: nil
            }
        }

        /// The reader's own values, in the order the page's skeleton marks them (the count comes after them).
        var values: [String] {
            if case .signedIn(_, let viewer) = self { viewer.markedValues } else { [] }
        }
    }

    private func sharing(_ request: Request, _ context: AppRequestContext) -> Sharing {
        if let key = pageCache.key(for: request, context: context) { return .anonymous(key: key) }
        // Everything on a post page but the reader's name and token is the same for every signed-in reader of the same
        // shape (an instructor's navigation has the review queue).
        guard pageCache.lifetime > .zero, context.flash == nil, let viewer = ViewerView(context.session) else { return .none }
        return .signedIn(key: "signed-in \(viewer.shape) " + request.uri.path, viewer: viewer)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let slug = try context.parameters.require("slug")
        guard Slug.isValid(slug) else { throw HTTPError(.notFound) }
        let sharing = sharing(request, context)
        if let key = sharing.key, case .hit(let entry) = await pageCache.lookupWaiting(key),
            let page = entry.post(values: sharing.values, counted: count(slug, request, context))
        {
            return HTML(body: page)
        }
        do {
            return try await renderPost(slug, sharing: sharing, request: request, context: context)
        } catch {
            if let key = sharing.key { pageCache.abandon(key, gone: (error as? HTTPError)?.status == .notFound) }
            throw error
        }
    }

    /// Counts a view when this request is a new one (see `ViewDeduplicator`); returns all views counted since start.
    private func count(_ slug: String, _ request: Request, _ context: AppRequestContext) -> Int {
        views.counts(slug, request: request, context: context) ? viewCounter.record(slug).counted : viewCounter.snapshot(slug).counted
    }

    private func renderPost(_ slug: String, sharing: Sharing, request: Request, context: AppRequestContext) async throws -> HTML {
        let generation = pageCache.generation()
        let promoted = try await renderer.promotion(from: publishing.catalogue())
        // The stored count and the counter's pending views as of one moment, so the count shown is never off by a batch.
        let (loaded, pending, counted) = try await viewCounter.consistently(slug) { try await publishing.post(slug) }
        guard var post = loaded else {
            throw HTTPError(.notFound, message: "There is no post at this address. It may have been renamed or unpublished.")
        }
        // Counted only once the post is known to exist, so made-up addresses cannot grow the counter.
        let countedNow = count(slug, request, context)
        let shownAtSnapshot = post.summary.viewCount + pending
        post.summary.viewCount = shownAtSnapshot + countedNow - counted
        var meta = renderer.meta(
            title: post.summary.title, description: post.summary.summary, path: "/blog/\(slug)", section: "blog", ogType: "article",
            session: context.session)
        meta.heading = post.summary.title
        let view = PostPageView(
            site: renderer.site,
            meta: meta,
            post: renderer.postCard(post.summary),
            html: post.html,
            cover: post.cover,
            coverAlt: post.coverAlt ?? "",
            previous: post.previous.map(PostLinkView.init),
            next: post.next.map(PostLinkView.init),
            course: promoted,
            ogImage: post.cover.map { $0.hasPrefix("/") ? renderer.baseURL + $0 : $0 },
            articleMeta: ArticleMeta(
                publishedISO: DateText.rfc3339(post.summary.date),
                author: post.summary.author,
                section: post.summary.category.name,
                tags: post.summary.tags.map(\.name)
            )
        )
        guard let key = sharing.key else { return renderer.render(view, with: postTemplate) }
        // Kept as a skeleton: the reader's values (none for visitors without a session), then the count.
        let skeleton = PageSkeleton.render(view, with: postTemplate, renderer: renderer) { view, mark in
            view.meta.markViewer(mark)
            view.post.views = mark(view.post.views)
        }
        pageCache.store(key, .init(generation: generation, rendered: pageCache.now(), parts: skeleton.parts, views: (shownAtSnapshot, counted)))
        return HTML(body: PageSkeleton.fill(skeleton.parts, with: skeleton.values) ?? renderer.render(view, with: postTemplate).body)
    }
}
