import Foundation
import LecternStore

/// The pages every page links to (`nav: footer` in `Content/pages/`), kept in memory and reloaded when the site's
/// content changes (at start and whenever the site revision moves), so rendering a page never reads them.
final class SiteNavigation: @unchecked Sendable {
    // `links` is only touched under the lock.
    private let lock = NSLock()
    private var links: [NavLinkView] = []
    private var authors: [String: String] = [:]

    var footer: [NavLinkView] { lock.withLock { links } }

    /// The address of the author page of the person called `name`, if they have one.
    func authorURL(_ name: String) -> String? {
        lock.withLock { authors[name] }.map { "/authors/\($0)" }
    }

    func reload(from store: SitePageStore) async throws {
        let pages = try await store.navigation().map { NavLinkView(url: "/\($0.slug)", title: $0.title) }
        let people = Dictionary(try await store.authors().map { ($0.name, $0.slug) }, uniquingKeysWith: { first, _ in first })
        lock.withLock {
            links = pages
            authors = people
        }
    }
}
