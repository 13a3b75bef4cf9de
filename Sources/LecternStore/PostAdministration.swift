import Foundation
import GRDB
import LecternCore

/// A post as the editor sees it in `lectern post list`: drafts and unpublished posts included.
public struct PostRecord: Sendable, Equatable {
    public enum Status: String, Sendable {
        case published, draft
        /// Published in its file, with a date still to come: it goes public then.
        case scheduled
        /// Its file was deleted; the row (and its views) stay.
        case removed
    }

    public var slug: String
    public var title: String
    public var author: String
    public var date: Date
    public var category: String
    public var status: Status
    public var viewCount: Int
    /// Relative to the content folder, e.g. `posts/hello.md`.
    public var sourcePath: String?

    /// Published in its file: public now, or scheduled to be.
    public var isPublic: Bool { status == .published || status == .scheduled }
}

extension SQLitePostStore {
    /// Every post known to the database, newest first; drafts and removed posts only when asked for.
    public func records(includeDrafts: Bool, includeRemoved: Bool = false) async throws -> [PostRecord] {
        try await database.pool.read { db in
            var conditions: [String] = []
            if !includeDrafts { conditions.append("is_draft = 0") }
            if !includeRemoved { conditions.append("is_removed = 0") }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db,
                sql:
                    "SELECT \(Self.recordColumns) FROM post \(filter) ORDER BY published_at DESC, id DESC"
            ).map(PostRecord.init(row:))
        }
    }

    public func record(slug: String) async throws -> PostRecord? {
        try await database.pool.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT \(Self.recordColumns) FROM post WHERE slug = ?",
                arguments: [slug]
            ).map(PostRecord.init(row:))
        }
    }

    /// Views per post, most viewed first, with the total over every post.
    public func viewStatistics(limit: Int) async throws -> (posts: [PostRecord], total: Int) {
        try await database.pool.read { db in
            let posts = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.recordColumns) FROM post
                    WHERE is_removed = 0 OR view_count > 0 ORDER BY view_count DESC, published_at DESC LIMIT ?
                    """,
                arguments: [limit]
            ).map(PostRecord.init(row:))
            let total = try Int.fetchOne(db, sql: "SELECT coalesce(sum(view_count), 0) FROM post") ?? 0
            return (posts, total)
        }
    }
}

extension SQLitePostStore {
    /// The columns `PostRecord(row:)` reads; whether a post is still to come is decided by the same clock as
    /// `isPublished` (SQLite's), so `post list` and the site never disagree about a post at its publication time.
    static let recordColumns = """
        slug, title, author, published_at, category, is_draft, is_removed, view_count, source_path,
        published_at > strftime('%Y-%m-%d %H:%M:%f', 'now') AS is_scheduled
        """
}

extension PostRecord {
    init(row: Row) {
        self.init(
            slug: row["slug"], title: row["title"], author: row["author"], date: row["published_at"], category: row["category"],
            status: Status(isRemoved: row["is_removed"], isDraft: row["is_draft"], isScheduled: row["is_scheduled"]),
            viewCount: row["view_count"],
            sourcePath: row["source_path"])
    }
}
