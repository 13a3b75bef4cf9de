import Foundation
import GRDB
import LecternCore

/// Which posts a listing shows.
public enum PostFilter: Sendable, Equatable {
    case all
    case category(slug: String)
    case tag(slug: String)
    /// In the category and with the tag (the API's two filters at once).
    case categoryAndTag(category: String, tag: String)
}

/// A place in the newest-first order of posts: a post's date and id. As text (an API cursor) it is
/// "<milliseconds since 1970>-<id>".
public struct PostPosition: Sendable, Equatable {
    public var date: Date
    public var id: Int64

    public init(date: Date, id: Int64) {
        self.date = date
        self.id = id
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        // At most 14 digits of milliseconds (until the year 5138), as the contract says: a date past 9999 would not
        // sort with the stored ones.
        guard parts.count == 2, parts[0].count <= 14, parts[1].count <= 18, let milliseconds = Int64(parts[0]), let id = Int64(parts[1]),
            milliseconds >= 0, id >= 0
        else { return nil }
        self.init(date: Date(timeIntervalSince1970: Double(milliseconds) / 1000), id: id)
    }

    public var text: String { "\(Int64((date.timeIntervalSince1970 * 1000).rounded()))-\(id)" }
}

/// `PostStore` in SQLite, through GRDB.
public struct SQLitePostStore: PostStore {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    static let summaryColumns =
        "post.slug, post.title, post.author, post.published_at, post.updated_at, post.category, post.category_slug, post.tags, post.summary, post.reading_minutes, post.view_count"
    /// A post is public once it is neither a draft nor removed and its date has come: a post dated in the future is
    /// scheduled, and appears on its own at that time (`ChangeWatcher` marks cached pages stale then).
    static let isPublished = "post.is_draft = 0 AND post.is_removed = 0 AND post.published_at <= strftime('%Y-%m-%d %H:%M:%f', 'now')"

    /// The published posts of one author (as named in the posts' front matter), newest first.
    public func posts(byAuthor name: String, limit: Int = 50) async throws -> [PostSummary] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.summaryColumns) FROM post WHERE author = ? AND \(Self.isPublished) ORDER BY published_at DESC LIMIT ?",
                arguments: [name, limit]
            ).map(PostSummary.init(row:))
        }
    }

    /// When the next scheduled post goes public, if one is waiting.
    public func nextPublication() async throws -> Date? {
        try await database.pool.read { db in
            try Date.fetchOne(
                db,
                sql: """
                    SELECT min(published_at) FROM post
                    WHERE is_draft = 0 AND is_removed = 0 AND published_at > strftime('%Y-%m-%d %H:%M:%f', 'now')
                    """)
        }
    }

    /// The newest published posts.
    public func latest(limit: Int) async throws -> [PostSummary] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.summaryColumns) FROM post WHERE \(Self.isPublished) ORDER BY published_at DESC, id DESC LIMIT ?",
                arguments: [limit]
            ).map(PostSummary.init(row:))
        }
    }

    /// One page of published posts, newest first. `page` counts from 1.
    public func page(_ page: Int, perPage: Int, filter: PostFilter = .all) async throws -> Paged<PostSummary> {
        let offset = (max(page, 1) - 1) * perPage
        return try await database.pool.read { db in
            let (fromWhere, arguments) = Self.listing(filter)
            let total = try Int.fetchOne(db, sql: "SELECT count(*) \(fromWhere)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(Self.summaryColumns) \(fromWhere) ORDER BY post.published_at DESC, post.id DESC LIMIT ? OFFSET ?",
                arguments: arguments + [perPage, offset]
            )
            return Paged(items: rows.map(PostSummary.init(row:)), page: page, perPage: perPage, totalItems: total)
        }
    }

    /// Published posts newest first, starting after `position` (keyset pagination, for the API: a page stays right
    /// while posts are published, where an offset would skip or repeat some). `next` is where the following page
    /// starts, nil on the last one. Any position is a place in the order, so every cursor a client can form is valid.
    public func posts(after position: PostPosition?, limit: Int, filter: PostFilter = .all) async throws -> (posts: [PostSummary], next: PostPosition?) {
        try await database.pool.read { db in
            var (fromWhere, arguments) = Self.listing(filter)
            if let position {
                fromWhere += " AND (post.published_at, post.id) < (?, ?)"
                arguments += [position.date, position.id]
            }
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(Self.summaryColumns), post.id \(fromWhere) ORDER BY post.published_at DESC, post.id DESC LIMIT ?",
                arguments: arguments + [limit + 1])
            let page = rows.prefix(limit)
            let next = rows.count > limit ? page.last.map { PostPosition(date: $0["published_at"], id: $0["id"]) } : nil
            return (page.map(PostSummary.init(row:)), next)
        }
    }

    private static func listing(_ filter: PostFilter) -> (String, StatementArguments) {
        switch filter {
        case .all:
            return ("FROM post WHERE \(isPublished)", [])
        case .category(let slug):
            return ("FROM post WHERE category_slug = ? AND \(isPublished)", [slug])
        case .tag(let slug):
            return ("FROM post JOIN post_tag ON post_tag.post_id = post.id AND post_tag.slug = ? WHERE \(isPublished)", [slug])
        case .categoryAndTag(let category, let tag):
            return (
                "FROM post JOIN post_tag ON post_tag.post_id = post.id AND post_tag.slug = ? WHERE category_slug = ? AND \(isPublished)", [tag, category]
            )
        }
    }

    /// The display name of a category or tag that has at least one published post.
    public func taxon(for filter: PostFilter) async throws -> Taxon? {
        try await database.pool.read { db in
            switch filter {
            case .all, .categoryAndTag:
                return nil
            case .category(let slug):
                let name = try String.fetchOne(
                    db, sql: "SELECT category FROM post WHERE category_slug = ? AND \(Self.isPublished) ORDER BY published_at DESC LIMIT 1",
                    arguments: [slug])
                return name.map { Taxon(name: $0, slug: slug) }
            case .tag(let slug):
                let name = try String.fetchOne(
                    db,
                    sql:
                        "SELECT post_tag.name FROM post_tag JOIN post ON post.id = post_tag.post_id WHERE post_tag.slug = ? AND \(Self.isPublished) ORDER BY post.published_at DESC LIMIT 1",
                    arguments: [slug])
                return name.map { Taxon(name: $0, slug: slug) }
            }
        }
    }

    /// Categories with their number of published posts, most used first.
    public func categories() async throws -> [(taxon: Taxon, count: Int)] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT category_slug, min(category) AS name, count(*) AS n FROM post INDEXED BY post_category_listing WHERE \(Self.isPublished) GROUP BY category_slug ORDER BY n DESC, category_slug"
            ).map { (Taxon(name: $0["name"], slug: $0["category_slug"]), $0["n"]) }
        }
    }

    /// Tags with their number of published posts, most used first.
    public func tags() async throws -> [(taxon: Taxon, count: Int)] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT slug, min(name) AS name, count(*) AS n FROM post_tag
                    WHERE post_id IN (SELECT id FROM post WHERE \(Self.isPublished)) GROUP BY slug ORDER BY n DESC, slug
                    """
            ).map { (Taxon(name: $0["name"], slug: $0["slug"]), $0["n"]) }
        }
    }

    /// A published post with its older and newer neighbours, or nil.
    public func post(slug: String) async throws -> Post? {
        try await database.readHere { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    cachedSQL(
                        "SELECT \(Self.summaryColumns), post.id, post.body_html, post.cover, post.cover_alt FROM post WHERE slug = ? AND \(Self.isPublished)",
                        [slug]))
            else { return nil }
            let id: Int64 = row["id"]
            let date: Date = row["published_at"]
            let previous = try Row.fetchOne(
                db,
                cachedSQL(
                    """
                    SELECT slug, title FROM post WHERE \(Self.isPublished) AND (published_at, id) < (?, ?)
                    ORDER BY published_at DESC, id DESC LIMIT 1
                    """, [date, id])
            ).map { PostLink(slug: $0["slug"], title: $0["title"]) }
            let next = try Row.fetchOne(
                db,
                cachedSQL(
                    """
                    SELECT slug, title FROM post WHERE \(Self.isPublished) AND (published_at, id) > (?, ?)
                    ORDER BY published_at ASC, id ASC LIMIT 1
                    """, [date, id])
            ).map { PostLink(slug: $0["slug"], title: $0["title"]) }
            return Post(
                summary: PostSummary(row: row),
                html: row["body_html"],
                cover: row["cover"],
                coverAlt: row["cover_alt"],
                previous: previous,
                next: next
            )
        }
    }

    /// The newest published posts with their HTML, for the Atom feed.
    public func feed(limit: Int) async throws -> [Post] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT \(Self.summaryColumns), post.body_html, post.cover, post.cover_alt FROM post WHERE \(Self.isPublished) ORDER BY published_at DESC, id DESC LIMIT ?",
                arguments: [limit]
            ).map {
                Post(summary: PostSummary(row: $0), html: $0["body_html"], cover: $0["cover"], coverAlt: $0["cover_alt"], previous: nil, next: nil)
            }
        }
    }

    /// Slug and last change of every published post, for the sitemap.
    public func sitemap() async throws -> [(slug: String, updatedAt: Date)] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT slug, updated_at FROM post WHERE \(Self.isPublished) ORDER BY published_at DESC")
                .map { ($0["slug"], $0["updated_at"]) }
        }
    }

    /// Adds counted views in one transaction; slugs that no longer exist are ignored.
    public func addViews(_ counts: [String: Int]) async throws {
        guard !counts.isEmpty else { return }
        try await database.write(changesPublicPages: false) { db in
            let statement = try db.cachedStatement(sql: "UPDATE post SET view_count = view_count + ? WHERE slug = ?")
            for (slug, count) in counts where count > 0 {
                try statement.execute(arguments: [count, slug])
            }
        }
    }


    /// Published posts matching `query`, best first. `totalItems` is exact up to `PostSearch.countLimit`, and
    /// `PostSearch.countLimit + 1` when there are more.
    public func search(_ query: SearchQuery, page: Int, perPage: Int, countLimit: Int = PostSearch.countLimit) async throws -> Paged<SearchHit> {
        let pattern = query.ftsPattern
        let offset = (max(page, 1) - 1) * perPage
        let start = String(SearchHit.highlightStart)
        let end = String(SearchHit.highlightEnd)
        return try await database.pool.read { db in
            // Statements kept prepared per connection: for a word in few posts, preparing them cost more than running them.
            let total =
                try Int.fetchOne(
                    db,
                    cachedSQL(
                        """
                        SELECT count(*) FROM (SELECT 1 FROM post_fts JOIN post ON post.id = post_fts.rowid
                            WHERE post_fts MATCH ? AND \(Self.isPublished) LIMIT ?)
                        """, [pattern, countLimit + 1])) ?? 0
            let rows = try Row.fetchAll(
                db,
                cachedSQL(
                    """
                    SELECT \(Self.summaryColumns),
                        highlight(post_fts, 0, ?, ?) AS title_highlighted,
                        snippet(post_fts, -1, ?, ?, '…', 28) AS snippet
                    FROM post_fts JOIN post ON post.id = post_fts.rowid
                    WHERE post_fts MATCH ? AND \(Self.isPublished)
                    ORDER BY bm25(post_fts, 10.0, 4.0, 1.0), post.published_at DESC
                    LIMIT ? OFFSET ?
                    """,
                    [start, end, start, end, pattern, perPage, offset]))
            let hits = rows.map { row in
                SearchHit(post: PostSummary(row: row), titleHighlighted: row["title_highlighted"], snippet: row["snippet"])
            }
            return Paged(items: hits, page: page, perPage: perPage, totalItems: total)
        }
    }
}

extension SQLitePostStore {
    /// The query with each word that finds no published post replaced by the nearest word that does (a spelling
    /// suggestion), or nil when there is none. Candidates come from the index's vocabulary and are checked against
    /// published posts before they are offered, so a draft's words never show.
    public func suggestion(for query: SearchQuery) async throws -> String? {
        try await database.pool.read { db -> String? in
            func finds(_ pattern: String) throws -> Bool {
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM post_fts JOIN post ON post.id = post_fts.rowid WHERE post_fts MATCH ? AND \(Self.isPublished) LIMIT 1",
                    arguments: [pattern]) ?? false
            }
            var changed = false
            var parts: [String] = []
            for part in query.parts {
                guard let word = SearchSuggestion.word(of: part), try !finds("\"\(word)\"*") else {
                    parts.append(query.text(of: part))
                    continue
                }
                let window = SearchSuggestion.window(for: word)
                let vocabulary = try Row.fetchAll(
                    db, sql: "SELECT term, doc FROM post_vocab WHERE substr(term, 1, 1) = ? AND length(term) BETWEEN ? AND ?",
                    arguments: [window.initial, window.shortest, window.longest]
                ).map { (term: $0["term"] as String, documents: $0["doc"] as Int) }
                var replacement: String?
                for candidate in SearchSuggestion.candidates(for: word, among: vocabulary) where try finds("\"\(candidate)\"") {
                    replacement = candidate
                    break
                }
                parts.append(replacement ?? word)
                changed = changed || replacement != nil
            }
            return changed ? parts.joined(separator: " ") : nil
        }
    }
}

extension PostSummary {
    init(row: Row) {
        self.init(
            slug: row["slug"],
            title: row["title"],
            author: row["author"],
            date: row["published_at"],
            updatedAt: row["updated_at"],
            category: Taxon(name: row["category"], slug: row["category_slug"]),
            tags: JSONColumn.decode(row["tags"]).map { Taxon(name: $0) },
            summary: row["summary"],
            readingMinutes: row["reading_minutes"],
            viewCount: row["view_count"]
        )
    }
}
