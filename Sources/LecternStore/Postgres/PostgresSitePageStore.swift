import Foundation
import LecternCore

/// `SitePageStore` in PostgreSQL.
struct PostgresSitePageStore: SitePageStore {
    let database: PostgresSiteDatabase

    func page(slug: String) async throws -> SitePage? {
        try await database.read { runner in
            try await runner.one("SELECT slug, title, summary, nav, html FROM site_page WHERE slug = \(slug)", SitePage.init(columns:))
        }
    }

    func navigation() async throws -> [SitePage] {
        try await database.read { runner in
            // COLLATE "C": titles sort by their bytes, as SQLite's BINARY collation sorts them, whatever the database's locale.
            try await runner.all(
                "SELECT slug, title, summary, nav, html FROM site_page WHERE nav IS NOT NULL ORDER BY title COLLATE \"C\"", SitePage.init(columns:))
        }
    }

    func author(slug: String) async throws -> AuthorProfile? {
        try await database.read { runner in
            try await runner.one(
                "SELECT slug, name, role, bio_html, photo, photo_alt FROM author WHERE slug = \(slug)", AuthorProfile.init(columns:))
        }
    }

    func authors() async throws -> [AuthorProfile] {
        try await database.read { runner in
            try await runner.all(
                "SELECT slug, name, role, bio_html, photo, photo_alt FROM author ORDER BY name COLLATE \"C\"", AuthorProfile.init(columns:))
        }
    }
}

extension SitePage {
    init(columns row: Columns) throws {
        self.init(slug: try row["slug"], title: try row["title"], summary: try row["summary"], nav: try row["nav"], html: try row["html"])
    }
}

extension AuthorProfile {
    init(columns row: Columns) throws {
        self.init(
            slug: try row["slug"], name: try row["name"], role: try row["role"], bioHTML: try row["bio_html"], photo: try row["photo"],
            photoAlt: try row["photo_alt"])
    }
}
