import Foundation
import LecternStore

/// The pages every page links to (`nav: footer|header` in `Content/pages/`), kept in memory and reloaded when the site's
/// content changes (at start and whenever the site revision moves), so rendering a page never reads them.
final class SiteNavigation: @unchecked Sendable {
    // `links` is only touched under the lock.
    private let lock = NSLock()
    private var links: [NavLinkView] = []
    private var headerLinks: [NavLinkView] = []
    private var authors: [String: String] = [:]

    /// Every page with `nav:`: the footer is the index of them, header ones included.
    var footer: [NavLinkView] { lock.withLock { links } }
    /// Pages with `nav: header`, linked beside Blog and Courses too.
    var header: [NavLinkView] { lock.withLock { headerLinks } }

    /// The address of the author page of the person called `name`, if they have one.
    func authorURL(_ name: String) -> String? {
        lock.withLock { authors[name] }.map { "/authors/\($0)" }
    }

    func reload(from store: SitePageStore) async throws {
        let listed = try await store.navigation()
        let pages = listed.map { NavLinkView(url: "/\($0.slug)", title: $0.title) }
        let header = listed.filter { $0.nav == "header" }.map { NavLinkView(url: "/\($0.slug)", title: $0.title) }
        let people = Dictionary(try await store.authors().map { ($0.name, $0.slug) }, uniquingKeysWith: { first, _ in first })
        lock.withLock {
            links = pages
            headerLinks = header
            authors = people
        }
    }
}
