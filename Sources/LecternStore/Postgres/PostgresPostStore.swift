import Foundation
import LecternCore

/// `PostStore` in PostgreSQL.
struct PostgresPostStore: PostStore {
    let database: PostgresSiteDatabase

    static let summaryColumns =
        "post.slug, post.title, post.author, post.published_at, post.updated_at, post.category, post.category_slug, post.tags, post.summary, post.reading_minutes, post.view_count"
    /// A post is public once it is neither a draft nor removed and its date has come: a post dated in the future is
    /// scheduled, and appears on its own at that time (`ChangeWatcher` marks cached pages stale then).
    static let isPublished = "NOT post.is_draft AND NOT post.is_removed AND post.published_at <= now()"
    /// The columns `PostRecord(columns:)` reads; whether a post is still to come is decided by the same clock as
    /// `isPublished` (the server's), so `post list` and the site never disagree about a post at its publication time.
    static let recordColumns = """
        post.slug, post.title, post.author, post.published_at, post.category, post.is_draft, post.is_removed, post.view_count, post.source_path,
        post.published_at > now() AS is_scheduled
        """

    func records(includeDrafts: Bool, includeRemoved: Bool) async throws -> [PostRecord] {
        try await database.read { runner in
            try await runner.all(
                """
                SELECT \(unescaped: Self.recordColumns) FROM post
                WHERE (\(includeDrafts) OR NOT post.is_draft) AND (\(includeRemoved) OR NOT post.is_removed)
                ORDER BY post.published_at DESC, post.id DESC
                """, PostRecord.init(columns:))
        }
    }

    func record(slug: String) async throws -> PostRecord? {
        try await database.read { runner in
            try await runner.one("SELECT \(unescaped: Self.recordColumns) FROM post WHERE post.slug = \(slug)", PostRecord.init(columns:))
        }
    }

    func viewStatistics(limit: Int) async throws -> (posts: [PostRecord], total: Int) {
        try await database.read { runner in
            let posts = try await runner.all(
                """
                SELECT \(unescaped: Self.recordColumns) FROM post
                WHERE NOT post.is_removed OR post.view_count > 0 ORDER BY post.view_count DESC, post.published_at DESC LIMIT \(limit)
                """, PostRecord.init(columns:))
            let total = try await runner.value("SELECT coalesce(sum(view_count), 0)::bigint FROM post", as: Int.self) ?? 0
            return (posts, total)
        }
    }

    func posts(byAuthor name: String, limit: Int) async throws -> [PostSummary] {
        try await database.read { runner in
            try await runner.all(
                """
                SELECT \(unescaped: Self.summaryColumns) FROM post
                WHERE post.author = \(name) AND \(unescaped: Self.isPublished) ORDER BY post.published_at DESC LIMIT \(limit)
                """, PostSummary.init(columns:))
        }
    }

    func nextPublication() async throws -> Date? {
        try await database.read { runner in
            try await runner.value(
                "SELECT min(published_at) FROM post WHERE NOT is_draft AND NOT is_removed AND published_at > now()", as: Date.self)
        }
    }

    func latest(limit: Int) async throws -> [PostSummary] {
        try await database.read { runner in
            try await runner.all(
                """
                SELECT \(unescaped: Self.summaryColumns) FROM post
                WHERE \(unescaped: Self.isPublished) ORDER BY post.published_at DESC, post.id DESC LIMIT \(limit)
                """, PostSummary.init(columns:))
        }
    }

    func page(_ page: Int, perPage: Int, filter: PostFilter) async throws -> Paged<PostSummary> {
        let offset = (max(page, 1) - 1) * perPage
        let (category, tag) = Self.taxa(filter)
        return try await database.read { runner in
            let total =
                try await runner.value(
                    """
                    SELECT count(*) FROM post
                    WHERE \(unescaped: Self.isPublished) AND (\(category)::text IS NULL OR post.category_slug = \(category))
                        AND (\(tag)::text IS NULL OR EXISTS (SELECT 1 FROM post_tag WHERE post_tag.post_id = post.id AND post_tag.slug = \(tag)))
                    """, as: Int.self) ?? 0
            let items = try await runner.all(
                """
                SELECT \(unescaped: Self.summaryColumns) FROM post
                WHERE \(unescaped: Self.isPublished) AND (\(category)::text IS NULL OR post.category_slug = \(category))
                    AND (\(tag)::text IS NULL OR EXISTS (SELECT 1 FROM post_tag WHERE post_tag.post_id = post.id AND post_tag.slug = \(tag)))
                ORDER BY post.published_at DESC, post.id DESC LIMIT \(perPage) OFFSET \(offset)
                """, PostSummary.init(columns:))
            return Paged(items: items, page: page, perPage: perPage, totalItems: total)
        }
    }

    func posts(after position: PostPosition?, limit: Int, filter: PostFilter) async throws -> (posts: [PostSummary], next: PostPosition?) {
        let (category, tag) = Self.taxa(filter)
        return try await database.read { runner in
            let rows = try await runner.all(
                """
                SELECT \(unescaped: Self.summaryColumns), post.id FROM post
                WHERE \(unescaped: Self.isPublished) AND (\(category)::text IS NULL OR post.category_slug = \(category))
                    AND (\(tag)::text IS NULL OR EXISTS (SELECT 1 FROM post_tag WHERE post_tag.post_id = post.id AND post_tag.slug = \(tag)))
                    AND (\(position?.date)::timestamptz IS NULL OR (post.published_at, post.id) < (\(position?.date), \(position?.id)))
                ORDER BY post.published_at DESC, post.id DESC LIMIT \(limit + 1)
                """
            ) { row in
                (summary: try PostSummary(columns: row), position: PostPosition(date: try row["published_at"], id: try row["id"]))
            }
            let page = rows.prefix(limit)
            let next = rows.count > limit ? page.last?.position : nil
            return (page.map(\.summary), next)
        }
    }

    /// The category and the tag a listing keeps to (nil: any). A post has a tag at most once (post_tag's key), so
    /// `EXISTS` selects the same posts as SQLite's join.
    private static func taxa(_ filter: PostFilter) -> (category: String?, tag: String?) {
        switch filter {
        case .all: (nil, nil)
        case .category(let slug): (slug, nil)
        case .tag(let slug): (nil, slug)
        case .categoryAndTag(let category, let tag): (category, tag)
        }
    }

    func taxon(for filter: PostFilter) async throws -> Taxon? {
        switch filter {
        case .all, .categoryAndTag:
            return nil
        case .category(let slug):
            let name = try await database.read { runner in
                try await runner.value(
                    """
                    SELECT post.category FROM post WHERE post.category_slug = \(slug) AND \(unescaped: Self.isPublished)
                    ORDER BY post.published_at DESC LIMIT 1
                    """, as: String.self)
            }
            return name.map { Taxon(name: $0, slug: slug) }
        case .tag(let slug):
            let name = try await database.read { runner in
                try await runner.value(
                    """
                    SELECT post_tag.name FROM post_tag JOIN post ON post.id = post_tag.post_id
                    WHERE post_tag.slug = \(slug) AND \(unescaped: Self.isPublished) ORDER BY post.published_at DESC LIMIT 1
                    """, as: String.self)
            }
            return name.map { Taxon(name: $0, slug: slug) }
        }
    }

    // COLLATE "C" in the next two: names and slugs compare by their bytes, as SQLite's BINARY collation compares them,
    // whatever the database's locale.
    func categories() async throws -> [(taxon: Taxon, count: Int)] {
        try await database.read { runner in
            try await runner.all(
                """
                SELECT post.category_slug, min(post.category COLLATE "C") AS name, count(*) AS n FROM post
                WHERE \(unescaped: Self.isPublished) GROUP BY post.category_slug ORDER BY n DESC, post.category_slug COLLATE "C"
                """
            ) { (taxon: Taxon(name: try $0["name"], slug: try $0["category_slug"]), count: try $0["n"] as Int) }
        }
    }

    func tags() async throws -> [(taxon: Taxon, count: Int)] {
        try await database.read { runner in
            try await runner.all(
                """
                SELECT post_tag.slug, min(post_tag.name COLLATE "C") AS name, count(*) AS n FROM post_tag
                WHERE post_tag.post_id IN (SELECT post.id FROM post WHERE \(unescaped: Self.isPublished))
                GROUP BY post_tag.slug ORDER BY n DESC, post_tag.slug COLLATE "C"
                """
            ) { (taxon: Taxon(name: try $0["name"], slug: try $0["slug"]), count: try $0["n"] as Int) }
        }
    }

    func post(slug: String) async throws -> Post? {
        try await database.read { runner in
            guard
                let found = try await runner.one(
                    """
                    SELECT \(unescaped: Self.summaryColumns), post.id, post.body_html, post.cover, post.cover_alt FROM post
                    WHERE post.slug = \(slug) AND \(unescaped: Self.isPublished)
                    """,
                    { row in
                        (
                            summary: try PostSummary(columns: row), id: try row["id"] as Int64, html: try row["body_html"] as String,
                            cover: try row["cover"] as String?, coverAlt: try row["cover_alt"] as String?
                        )
                    })
            else { return nil }
            // The neighbours are found from the post's own row, so its date is compared exactly as stored.
            let previous = try await runner.one(
                """
                SELECT post.slug, post.title FROM post
                WHERE \(unescaped: Self.isPublished)
                    AND (post.published_at, post.id) < (SELECT this.published_at, this.id FROM post AS this WHERE this.id = \(found.id))
                ORDER BY post.published_at DESC, post.id DESC LIMIT 1
                """, PostLink.init(columns:))
            let next = try await runner.one(
                """
                SELECT post.slug, post.title FROM post
                WHERE \(unescaped: Self.isPublished)
                    AND (post.published_at, post.id) > (SELECT this.published_at, this.id FROM post AS this WHERE this.id = \(found.id))
                ORDER BY post.published_at ASC, post.id ASC LIMIT 1
                """, PostLink.init(columns:))
            return Post(summary: found.summary, html: found.html, cover: found.cover, coverAlt: found.coverAlt, previous: previous, next: next)
        }
    }

    func feed(limit: Int) async throws -> [Post] {
        try await database.read { runner in
            try await runner.all(
                """
                SELECT \(unescaped: Self.summaryColumns), post.body_html, post.cover, post.cover_alt FROM post
                WHERE \(unescaped: Self.isPublished) ORDER BY post.published_at DESC, post.id DESC LIMIT \(limit)
                """
            ) { row in
                Post(
                    summary: try PostSummary(columns: row), html: try row["body_html"], cover: try row["cover"], coverAlt: try row["cover_alt"],
                    previous: nil, next: nil)
            }
        }
    }

    func sitemap() async throws -> [(slug: String, updatedAt: Date)] {
        try await database.read { runner in
            try await runner.all(
                "SELECT post.slug, post.updated_at FROM post WHERE \(unescaped: Self.isPublished) ORDER BY post.published_at DESC"
            ) { (slug: try $0["slug"] as String, updatedAt: try $0["updated_at"] as Date) }
        }
    }

    func addViews(_ counts: [String: Int]) async throws {
        guard !counts.isEmpty else { return }
        let counted = counts.filter { $0.value > 0 }
        let slugs = Array(counted.keys)
        let views = slugs.map { counted[$0] ?? 0 }
        try await database.write(changesPublicPages: false) { runner in
            // The rows are locked in id order first, as the content import locks the posts it writes: two instances
            // flushing their counts, or a flush and an import, never wait on each other in a cycle.
            try await runner.execute(
                "SELECT count(*) FROM (SELECT 1 FROM post WHERE post.slug = ANY(\(slugs)) ORDER BY post.id FOR NO KEY UPDATE) AS locked")
            try await runner.execute(
                """
                UPDATE post SET view_count = post.view_count + counted.views
                FROM unnest(\(slugs)::text[], \(views)::bigint[]) AS counted(slug, views) WHERE post.slug = counted.slug
                """)
        }
    }

    func search(_ query: SearchQuery, page: Int, perPage: Int, countLimit: Int) async throws -> Paged<SearchHit> {
        let terms = query.postgresTerms
        let match = terms.joined(separator: " & ")
        let highlight = query.postgresHighlight
        let offset = (max(page, 1) - 1) * perPage
        let start = String(SearchHit.highlightStart)
        let end = String(SearchHit.highlightEnd)
        let wholeOptions = "HighlightAll=true, StartSel=\(start), StopSel=\(end)"
        // Up to 28 words around the first match, as FTS5's snippet(…, 28) shows; a field of 28 words or fewer is shown
        // whole (a fragment never starts or ends with a number, where FTS5's window of 28 words would).
        let snippetOptions = "MaxFragments=1, MaxWords=28, MinWords=27, ShortWord=0, StartSel=\(start), StopSel=\(end)"
        return try await database.read { runner in
            let total =
                try await runner.value(
                    """
                    SELECT count(*) FROM (
                        SELECT 1 FROM post WHERE post.search @@ to_tsquery('lectern_search', \(match)) AND \(unescaped: Self.isPublished)
                        LIMIT \(countLimit + 1)
                    ) AS found
                    """, as: Int.self) ?? 0
            // Ranked by FTS5's bm25 (k1 = 1.2, b = 0.75, weights 10, 4 and 1 for title, summary and text): a term's
            // weighted count is ts_rank_cd's with weights {0, 0.1, 0.4, 1.0} times ten, its rarity is counted over every
            // post as FTS5 counts it, and a post's length is its number of words. One difference: the average length
            // is that of the matching posts, not of every post (which would read every post's words on each search).
            // Titles and snippets are marked only for the page shown. The snippet's field is the one FTS5 picks: the
            // most query terms, then the most matches, then one longer than a snippet (FTS5 adds 100 to a window
            // starting at a sentence there), then the first. '…' stands where words were left out; punctuation before
            // or after a snippet that reaches the start or end of its field is kept, as FTS5 keeps it.
            let hits = try await runner.all(
                """
                WITH terms AS MATERIALIZED (
                    SELECT parsed.query, greatest(ln((everything.total - matching.hits + 0.5) / (matching.hits + 0.5)), 1e-6)::float8 AS idf
                    FROM (SELECT to_tsquery('lectern_search', term.text) AS query FROM unnest(\(terms)::text[]) AS term(text)) AS parsed
                        CROSS JOIN LATERAL (SELECT count(*) AS hits FROM post WHERE post.search @@ parsed.query) AS matching
                        CROSS JOIN (SELECT count(*) AS total FROM post) AS everything
                ),
                matched AS (
                    SELECT post.id, post.published_at, post.search,
                        round(ts_rank_cd('{1, 1, 1, 1}', post.search, query.match)::float8
                            / nullif(ts_rank_cd('{1, 1, 1, 1}', post.search, query.match, 2), 0)::float8) AS length
                    FROM post, (SELECT to_tsquery('lectern_search', \(match)) AS match) AS query
                    WHERE post.search @@ query.match AND \(unescaped: Self.isPublished)
                ),
                shown AS (
                    SELECT matched.id, matched.published_at,
                        (SELECT sum(
                                terms.idf * frequency.weighted * 2.2 / (frequency.weighted + 1.2 * (0.25 + 0.75 * matched.length / average.length)))
                            FROM terms CROSS JOIN LATERAL (
                                SELECT round(10 * ts_rank_cd('{0, 0.1, 0.4, 1.0}', matched.search, terms.query))::float8 AS weighted
                            ) AS frequency
                        ) AS score
                    FROM matched CROSS JOIN (SELECT avg(matched.length) AS length FROM matched) AS average
                    ORDER BY score DESC NULLS LAST, matched.published_at DESC, matched.id
                    LIMIT \(perPage) OFFSET \(offset)
                )
                SELECT \(unescaped: Self.summaryColumns),
                    replace(ts_headline('lectern_search', lectern_headline_text(post.title), marks.query, \(wholeOptions)), chr(1), '')
                        AS title_highlighted,
                    CASE WHEN fragment.at = 0 THEN headline.marked
                    ELSE CASE WHEN fragment.before COLLATE "und-x-icu" ~ '[[:alnum:]]' THEN '…' ELSE fragment.before END
                        || headline.marked
                        || CASE WHEN fragment.after COLLATE "und-x-icu" ~ '[[:alnum:]]' THEN '…' ELSE fragment.after END
                    END AS snippet
                FROM shown JOIN post ON post.id = shown.id
                    CROSS JOIN (SELECT to_tsquery('lectern_search', \(highlight)) AS query) AS marks
                    CROSS JOIN LATERAL (
                        SELECT field.text, size.words
                        FROM (VALUES (1, 'a', post.title), (2, 'b', post.summary), (3, 'c', post.body_text)) AS field(position, weight, text)
                            CROSS JOIN LATERAL (SELECT cardinality(string_to_array(btrim(lectern_search_text(field.text)), ' ')) AS words) AS size
                            CROSS JOIN LATERAL (
                                SELECT count(*) FILTER (WHERE found.hits > 0) AS terms, coalesce(sum(found.hits), 0) AS hits
                                FROM terms CROSS JOIN LATERAL (
                                    SELECT round(ts_rank_cd('{1, 1, 1, 1}', ts_filter(post.search, ARRAY[field.weight]::"char"[]), terms.query))
                                        AS hits
                                ) AS found
                            ) AS matches
                        ORDER BY 999 * matches.terms + matches.hits + CASE WHEN size.words > 28 THEN 100 ELSE 0 END DESC, field.position
                        LIMIT 1
                    ) AS chosen
                    CROSS JOIN LATERAL (
                        SELECT replace(
                            ts_headline('lectern_search', lectern_headline_text(chosen.text), marks.query,
                                CASE WHEN chosen.words <= 28 THEN \(wholeOptions) ELSE \(snippetOptions) END),
                            chr(1), '') AS marked
                    ) AS headline
                    CROSS JOIN LATERAL (SELECT replace(replace(headline.marked, \(start), ''), \(end), '') AS text) AS plain
                    CROSS JOIN LATERAL (SELECT strpos(chosen.text, plain.text) AS at) AS located
                    CROSS JOIN LATERAL (
                        SELECT located.at, left(chosen.text, located.at - 1) AS before, substr(chosen.text, located.at + length(plain.text)) AS after
                    ) AS fragment
                ORDER BY shown.score DESC NULLS LAST, shown.published_at DESC, shown.id
                """
            ) { row in
                SearchHit(post: try PostSummary(columns: row), titleHighlighted: try row["title_highlighted"], snippet: try row["snippet"])
            }
            return Paged(items: hits, page: page, perPage: perPage, totalItems: total)
        }
    }

    func suggestion(for query: SearchQuery) async throws -> String? {
        try await database.read { runner -> String? in
            func finds(_ tsquery: String) async throws -> Bool {
                try await runner.exists(
                    """
                    SELECT 1 FROM post WHERE post.search @@ to_tsquery('lectern_search', \(tsquery)) AND \(unescaped: Self.isPublished) LIMIT 1
                    """)
            }
            var changed = false
            var parts: [String] = []
            for part in query.parts {
                guard let word = SearchSuggestion.word(of: part), try await !finds(SearchQuery.postgresPrefix(word)) else {
                    parts.append(query.text(of: part))
                    continue
                }
                let window = SearchSuggestion.window(for: word)
                let vocabulary = try await runner.all(
                    """
                    SELECT term, doc FROM post_vocab
                    WHERE substr(term, 1, 1) = \(window.initial) AND length(term) BETWEEN \(window.shortest) AND \(window.longest)
                    """
                ) { (term: try $0["term"] as String, documents: try $0["doc"] as Int) }
                var replacement: String?
                for candidate in SearchSuggestion.candidates(for: word, among: vocabulary) {
                    if try await finds(SearchQuery.postgresLexeme(candidate)) {
                        replacement = candidate
                        break
                    }
                }
                parts.append(replacement ?? word)
                changed = changed || replacement != nil
            }
            return changed ? parts.joined(separator: " ") : nil
        }
    }
}

extension SearchQuery {
    /// Each part as `to_tsquery` text of the `lectern_search` configuration: a word matches the start of a word, a
    /// quoted phrase its words in order within one field (title, summary or text: FTS5 keeps a phrase from running
    /// from one column into the next, and a tsvector's fields follow one another).
    var postgresTerms: [String] {
        parts.map { part -> String in
            switch part {
            case .prefix(let word):
                return Self.postgresPrefix(word)
            case .phrase(let words) where words.count == 1:
                return Self.postgresLexeme(words[0])
            case .phrase(let words):
                let inFields = ["A", "B", "C"].map { field in words.map { Self.postgresLexeme($0) + ":" + field }.joined(separator: " <-> ") }
                return "(" + inFields.joined(separator: " | ") + ")"
            }
        }
    }

    /// Any part, for marking the words of titles and snippets.
    var postgresHighlight: String {
        parts.map { part -> String in
            switch part {
            case .prefix(let word): Self.postgresPrefix(word)
            case .phrase(let words): words.map(Self.postgresLexeme).joined(separator: " <-> ")
            }
        }.joined(separator: " | ")
    }

    static func postgresPrefix(_ word: String) -> String { postgresLexeme(word) + ":*" }

    /// A word quoted for `to_tsquery`, composed as the stored words are (an accent typed as a separate mark still
    /// finds the word). Query words hold only letters and digits; quotes and backslashes are escaped all the same.
    static func postgresLexeme(_ word: String) -> String {
        let composed = word.precomposedStringWithCanonicalMapping
        return "'" + composed.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
    }
}

extension PostSummary {
    init(columns row: Columns) throws {
        self.init(
            slug: try row["slug"],
            title: try row["title"],
            author: try row["author"],
            date: try row["published_at"],
            updatedAt: try row["updated_at"],
            category: Taxon(name: try row["category"], slug: try row["category_slug"]),
            tags: JSONColumn.decode(try row["tags"] as String).map { Taxon(name: $0) },
            summary: try row["summary"],
            readingMinutes: try row["reading_minutes"],
            viewCount: try row["view_count"]
        )
    }
}

extension PostRecord {
    init(columns row: Columns) throws {
        self.init(
            slug: try row["slug"], title: try row["title"], author: try row["author"], date: try row["published_at"], category: try row["category"],
            status: Status(isRemoved: try row["is_removed"], isDraft: try row["is_draft"], isScheduled: try row["is_scheduled"]),
            viewCount: try row["view_count"], sourcePath: try row["source_path"])
    }
}

extension PostLink {
    init(columns row: Columns) throws {
        self.init(slug: try row["slug"], title: try row["title"])
    }
}
