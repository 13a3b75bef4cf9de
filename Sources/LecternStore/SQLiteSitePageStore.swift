import Foundation
import GRDB
import LecternCore

/// A page of the site as stored.
public struct SitePage: Sendable, Equatable {
    public var slug: String
    public var title: String
    public var summary: String
    public var nav: String?
    public var html: String
}

/// An author's profile as stored.
public struct AuthorProfile: Sendable, Equatable {
    public var slug: String
    public var name: String
    public var role: String
    public var bioHTML: String
    public var photo: String?
    public var photoAlt: String?
}

/// `SitePageStore` in SQLite, through GRDB.
public struct SQLiteSitePageStore: SitePageStore {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    public func page(slug: String) async throws -> SitePage? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM site_page WHERE slug = ?", arguments: [slug]).map(SitePage.init(row:))
        }
    }

    /// Pages linked from every page's footer (`nav: footer`) or header (`nav: header`), by title.
    public func navigation() async throws -> [SitePage] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM site_page WHERE nav IS NOT NULL ORDER BY title").map(SitePage.init(row:))
        }
    }

    public func author(slug: String) async throws -> AuthorProfile? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM author WHERE slug = ?", arguments: [slug]).map(AuthorProfile.init(row:))
        }
    }

    /// Every author, by name: posts and course pages link the names they know.
    public func authors() async throws -> [AuthorProfile] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM author ORDER BY name").map(AuthorProfile.init(row:))
        }
    }
}

extension SitePage {
    init(row: Row) {
        self.init(slug: row["slug"], title: row["title"], summary: row["summary"], nav: row["nav"], html: row["html"])
    }
}

extension AuthorProfile {
    init(row: Row) {
        self.init(slug: row["slug"], name: row["name"], role: row["role"], bioHTML: row["bio_html"], photo: row["photo"], photoAlt: row["photo_alt"])
    }
}
