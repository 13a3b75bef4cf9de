import Foundation
import Hummingbird
import LecternCore
import LecternStore
import Mustache

/// A template looked up once at start-up, so a missing file fails then and not at request time.
struct PageTemplate: Sendable {
    let name: String
    let template: MustacheTemplate
}

/// The compiled templates and the site-wide values every page shows.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let baseSite: SiteView
    let dates: DateText
    let baseURL: String
    /// No LECTERN_SENDMAIL: pages that promise mail tell an administrator (never a visitor) that it is in the outbox.
    var mailToOutbox = false
    /// The pages linked from every page, as of the last import (`SiteNavigation`).
    let navigation: SiteNavigation

    init(library: MustacheLibrary, site: SiteView, dates: DateText, baseURL: String, navigation: SiteNavigation = SiteNavigation()) {
        self.library = library
        self.baseSite = site
        self.dates = dates
        self.baseURL = baseURL
        self.navigation = navigation
    }

    /// The site-wide values every page shows, with the footer's pages as they are now.
    var site: SiteView {
        var site = baseSite
        site.footerPages = navigation.footer
        return site
    }

    struct MissingTemplate: Error, CustomStringConvertible {
        let name: String
        var description: String { "template '\(name).mustache' is missing from the LecternWeb resources" }
    }

    /// Compiles every template under `Templates/` shipped in the module's resource bundle.
    static func loadLibrary() async throws -> MustacheLibrary {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw MissingTemplate(name: "Templates")
        }
        return try await MustacheLibrary(directory: folder.path)
    }

    func template(_ name: String) throws -> PageTemplate {
        guard let template = library.getTemplate(named: name) else { throw MissingTemplate(name: name) }
        return PageTemplate(name: name, template: template)
    }

    /// Renders `view`, which answers its keys without reflection (`ViewModel`); debug builds, and the release build the
    /// test command makes (`-DLECTERN_VIEW_AUDIT`, scripts/test), check the whole view first.
    func render(_ view: some ViewModel, with template: PageTemplate, status: HTTPResponse.Status = .ok) -> HTML {
        #if DEBUG || LECTERN_VIEW_AUDIT
        ViewModelAudit.check(view)
        #endif
        return HTML(body: template.template.render(view, library: library), status: status)
    }

    /// Head values for a page; `path` is the canonical path on this site.
    func meta(
        title: String, description: String, path: String, section: String = "", ogType: String = "website", noindex: Bool = false,
        session: SessionRecord? = nil
    ) -> PageMeta {
        PageMeta(
            title: title.isEmpty ? site.name : "\(title) · \(site.name)",
            heading: title,
            description: description,
            canonical: baseURL + path,
            ogType: ogType,
            noindex: noindex,
            isBlog: section == "blog",
            isCourses: section == "courses",
            isAccount: section == "account",
            isDashboard: section == "dashboard",
            isReview: section == "review",
            isSearch: section == "search",
            isNotifications: section == "notifications",
            headerPages: navigation.header.map { link in
                var link = link
                link.current = link.url == path
                return link
            },
            viewer: ViewerView(session),
            outboxNote: mailToOutbox && session?.user?.role == .admin,
            live: !site.liveScript.isEmpty && (section == "courses" || section == "review" || session?.user != nil)
        )
    }

    /// The course to offer beside posts and on the home page (see `CoursePromotion`), with its availability.
    func promotion(from catalogue: [CourseDetail], now: Date = Date()) -> CoursePromoView? {
        CoursePromotion.pick(from: catalogue, at: now).map { CoursePromoView($0.summary, availability: AvailabilityView($0.availability(at: now), dates: dates)) }
    }

    func postCard(_ post: PostSummary) -> PostCardView {
        var card = PostCardView(post, dates: dates)
        card.authorURL = navigation.authorURL(post.author)
        return card
    }

    /// People named on a page (instructors), each linked to their author page when they have one.
    func people(_ names: [String]) -> [PersonLinkView] {
        names.enumerated().map { PersonLinkView(name: $1, url: navigation.authorURL($1), separator: $0 == 0 ? "" : ", ") }
    }
}
