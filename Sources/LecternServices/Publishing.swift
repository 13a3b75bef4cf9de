import Foundation
import LecternCore
import LecternStore

/// The blog and the site's pages as readers see them: published posts (by page, by cursor, by category or tag, by
/// author), search, the feed and the sitemap, site pages and author profiles, and the courses beside them. Only what is
/// published is ever returned; the pages, the REST API and GraphQL read here.
public struct Publishing: Sendable {
    let posts: PostStore
    let pages: SitePageStore
    let courses: CourseStore

    public init(database: any SiteDatabase) {
        self.posts = database.posts
        self.pages = database.sitePages
        self.courses = database.courses
    }

    /// The courses on offer, in the catalogue's order (for the home page, promotions, author pages, the sitemap).
    public func catalogue() async throws -> [CourseDetail] {
        try await courses.catalogue()
    }

    // MARK: Posts

    public func latest(limit: Int) async throws -> [PostSummary] {
        try await posts.latest(limit: limit)
    }

    /// One page of posts, newest first, with the total for the page links.
    public func page(_ page: Int, perPage: Int, filter: PostFilter = .all) async throws -> Paged<PostSummary> {
        try await posts.page(page, perPage: perPage, filter: filter)
    }

    /// Posts after a cursor position, newest first, and the position to continue from.
    public func posts(after position: PostPosition?, limit: Int, filter: PostFilter = .all) async throws -> (posts: [PostSummary], next: PostPosition?) {
        try await posts.posts(after: position, limit: limit, filter: filter)
    }

    /// The category or tag a filter names, when any published post has it.
    public func taxon(for filter: PostFilter) async throws -> Taxon? {
        try await posts.taxon(for: filter)
    }

    public func categories() async throws -> [(taxon: Taxon, count: Int)] {
        try await posts.categories()
    }

    public func tags() async throws -> [(taxon: Taxon, count: Int)] {
        try await posts.tags()
    }

    /// The published post at `slug`.
    public func post(_ slug: String) async throws -> Post? {
        try await posts.post(slug: slug)
    }

    public func feed(limit: Int) async throws -> [Post] {
        try await posts.feed(limit: limit)
    }

    public func sitemap() async throws -> [(slug: String, updatedAt: Date)] {
        try await posts.sitemap()
    }

    // MARK: Search

    /// Posts matching `query`, best first, with snippets for the page asked for.
    public func search(_ query: SearchQuery, page: Int, perPage: Int) async throws -> Paged<SearchHit> {
        try await posts.search(query, page: page, perPage: perPage)
    }

    /// A spelling that would match, when `query` matches nothing.
    public func suggestion(for query: SearchQuery) async throws -> String? {
        try await posts.suggestion(for: query)
    }

    // MARK: Site pages and authors

    public func sitePage(_ slug: String) async throws -> SitePage? {
        try await pages.page(slug: slug)
    }

    /// An author's profile with the posts they wrote and the courses they teach; nil when there is no such author.
    public func author(_ slug: String) async throws -> (profile: AuthorProfile, posts: [PostSummary], courses: [CourseDetail])? {
        guard let profile = try await pages.author(slug: slug) else { return nil }
        async let written = posts.posts(byAuthor: profile.name)
        async let offered = courses.catalogue()
        return (profile, try await written, try await offered.filter { $0.instructors.contains(profile.name) })
    }
}
