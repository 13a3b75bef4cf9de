import Foundation
import LecternCore

/// Reads published posts and records their views.
public protocol PostStore: Sendable {
    /// Every post known to the database, newest first; drafts and removed posts only when asked for.
    func records(includeDrafts: Bool, includeRemoved: Bool) async throws -> [PostRecord]

    func record(slug: String) async throws -> PostRecord?

    /// Views per post, most viewed first, with the total over every post.
    func viewStatistics(limit: Int) async throws -> (posts: [PostRecord], total: Int)

    /// The published posts of one author (as named in the posts' front matter), newest first.
    func posts(byAuthor name: String, limit: Int) async throws -> [PostSummary]

    /// When the next scheduled post goes public, if one is waiting.
    func nextPublication() async throws -> Date?

    /// The newest published posts.
    func latest(limit: Int) async throws -> [PostSummary]

    /// One page of published posts, newest first. `page` counts from 1.
    func page(_ page: Int, perPage: Int, filter: PostFilter) async throws -> Paged<PostSummary>

    /// Published posts newest first, starting after `position` (keyset pagination, for the API: a page stays right
    /// while posts are published, where an offset would skip or repeat some). `next` is where the following page
    /// starts, nil on the last one. Any position is a place in the order, so every cursor a client can form is valid.
    func posts(after position: PostPosition?, limit: Int, filter: PostFilter) async throws -> (posts: [PostSummary], next: PostPosition?)

    /// The display name of a category or tag that has at least one published post.
    func taxon(for filter: PostFilter) async throws -> Taxon?

    /// Categories with their number of published posts, most used first.
    func categories() async throws -> [(taxon: Taxon, count: Int)]

    /// Tags with their number of published posts, most used first.
    func tags() async throws -> [(taxon: Taxon, count: Int)]

    /// A published post with its older and newer neighbours, or nil.
    func post(slug: String) async throws -> Post?

    /// The newest published posts with their HTML, for the Atom feed.
    func feed(limit: Int) async throws -> [Post]

    /// Slug and last change of every published post, for the sitemap.
    func sitemap() async throws -> [(slug: String, updatedAt: Date)]

    /// Adds counted views in one transaction; slugs that no longer exist are ignored.
    func addViews(_ counts: [String: Int]) async throws

    /// Published posts matching `query`, best first. `totalItems` is exact up to `PostSearch.countLimit`, and
    /// `PostSearch.countLimit + 1` when there are more.
    func search(_ query: SearchQuery, page: Int, perPage: Int, countLimit: Int) async throws -> Paged<SearchHit>

    /// The query with each word that finds no published post replaced by the nearest word that does (a spelling
    /// suggestion), or nil when there is none. Candidates come from the index's vocabulary and are checked against
    /// published posts before they are offered, so a draft's words never show.
    func suggestion(for query: SearchQuery) async throws -> String?
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension PostStore {
    public func records(includeDrafts: Bool, includeRemoved: Bool = false) async throws -> [PostRecord] {
        try await self.records(includeDrafts: includeDrafts, includeRemoved: includeRemoved)
    }

    public func posts(byAuthor name: String, limit: Int = 50) async throws -> [PostSummary] {
        try await self.posts(byAuthor: name, limit: limit)
    }

    public func page(_ page: Int, perPage: Int, filter: PostFilter = .all) async throws -> Paged<PostSummary> {
        try await self.page(page, perPage: perPage, filter: filter)
    }

    public func posts(after position: PostPosition?, limit: Int, filter: PostFilter = .all) async throws -> (posts: [PostSummary], next: PostPosition?) {
        try await self.posts(after: position, limit: limit, filter: filter)
    }

    public func search(_ query: SearchQuery, page: Int, perPage: Int, countLimit: Int = PostSearch.countLimit) async throws -> Paged<SearchHit> {
        try await self.search(query, page: page, perPage: perPage, countLimit: countLimit)
    }
}

/// How far a search counts its matches: beyond this many, a page says "more than 1,000".
public enum PostSearch {
    public static let countLimit = 1000
}
