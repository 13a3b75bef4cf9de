import Foundation
import LecternCore

/// Reads pages (`/<slug>`) and author profiles (`/authors/<slug>`).
public protocol SitePageStore: Sendable {
    func page(slug: String) async throws -> SitePage?

    /// Pages linked from every page's footer (`nav: footer`) or header (`nav: header`), by title.
    func navigation() async throws -> [SitePage]

    func author(slug: String) async throws -> AuthorProfile?

    /// Every author, by name: posts and course pages link the names they know.
    func authors() async throws -> [AuthorProfile]
}
