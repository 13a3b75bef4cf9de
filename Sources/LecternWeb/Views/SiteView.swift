/// What the header and footer of every page show.
struct SiteView: Sendable {
    var name: String
    var tagline: String
    var year: Int
    var stylesheet: String
    var baseURL: String
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
    /// The signed-in person, for the navigation (nil when signed out).
    var viewer: ViewerView?
}

/// Who is signed in, and the token their "Log out" form needs.
struct ViewerView: Sendable {
    var name: String
    var csrf: String
}

extension PageMeta {
    /// Swaps the signed-in visitor's name and form token for markers (see `PersonalPage`).
    mutating func markViewer(_ mark: (String) -> String) {
        guard let viewer else { return }
        self.viewer = ViewerView(name: mark(viewer.name), csrf: mark(viewer.csrf))
    }
}
