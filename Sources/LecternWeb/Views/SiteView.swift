import LecternStore

/// What the header and footer of every page show.
struct SiteView: Sendable {
    var name: String
    var tagline: String
    var year: Int
    var stylesheet: String
    /// The live updates module, for signed-in pages and course pages.
    var liveScript: String = ""
    var baseURL: String
    /// Pages with `nav:` (footer or header), linked from every page's footer.
    var footerPages: [NavLinkView] = []
}

/// A link to a page of the site.
struct NavLinkView: Sendable {
    var url: String
    var title: String
    /// The page being shown: the header marks it with aria-current.
    var current = false
}

/// The `<head>` of one page and which navigation item is current.
struct PageMeta: Sendable {
    var title: String
    var heading: String
    var description: String
    var canonical: String
    var ogType: String
    var noindex: Bool
    var isBlog: Bool
    var isCourses: Bool
    var isAccount: Bool
    var isDashboard: Bool
    var isReview = false
    var isSearch = false
    var isNotifications = false
    /// Pages with `nav: header`, after Blog, Courses and Search; the one shown is current.
    var headerPages: [NavLinkView] = []
    /// The signed-in person, for the navigation (nil when signed out).
    var viewer: ViewerView?
    /// An administrator on a site whose mail goes to the outbox: pages that promise mail say where it went.
    var outboxNote = false
    /// Loads the live updates module: signed-in pages and course pages.
    var live = false
}

/// Who is signed in, and the token their "Log out" form needs.
struct ViewerView: Sendable {
    var name: String
    var csrf: String
    /// An instructor of some course: the navigation offers the review queue.
    var teaches = false
    /// The address is not verified yet: every page shows a banner with "send the link again".
    var unverified = false
    /// Notices not read yet, as shown beside "Notifications" (empty when there are none).
    var unread = ""
    var hasUnread = false

    /// The signed-in person of `session`; nil for a visitor without an account.
    init?(_ session: SessionRecord?) {
        guard let session, let user = session.user else { return nil }
        self.init(name: user.name, csrf: session.csrfToken)
        teaches = session.isInstructor
        unverified = !user.isEmailVerified
        unread = session.unreadNotifications > 0 ? (session.unreadNotifications > 99 ? "99+" : String(session.unreadNotifications)) : ""
        hasUnread = !unread.isEmpty
    }

    init(name: String, csrf: String) {
        self.name = name
        self.csrf = csrf
    }

    /// The values `PageMeta.markViewer` swaps for markers, in its order: a page kept as a skeleton is filled with these.
    var markedValues: [String] { [name, csrf, unread] }

    /// Everything about the viewer that shows on a page and is not marked: pages kept as one skeleton for many
    /// readers (a signed-in post page) are kept once per shape. Anything added to this view that a page shows and
    /// `markViewer` does not swap out must be added here.
    var shape: String { (teaches ? "instructor" : "learner") + (unverified ? ", unverified" : "") + (hasUnread ? ", unread" : "") }
}

extension PageMeta {
    /// Swaps the signed-in visitor's name and form token for markers (see `PersonalPage`), in `markedValues` order.
    mutating func markViewer(_ mark: (String) -> String) {
        guard var viewer else { return }
        let marked = viewer.markedValues.map(mark)
        viewer.name = marked[0]
        viewer.csrf = marked[1]
        viewer.unread = marked[2]
        self.viewer = viewer
    }
}
