/// A page of the site (`Content/pages/<slug>.md`).
struct SitePageView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var title: String
    var html: String
}

/// An author's page: who they are, what they wrote, what they teach.
struct AuthorPageView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var name: String
    var role: String
    var bioHTML: String
    var photo: String?
    var photoAlt: String?
    var posts: [PostCardView]
    var hasPosts: Bool
    var courses: [SearchCourseView]
    var hasCourses: Bool
}

/// A person named on a page, linked to their author page when they have one.
struct PersonLinkView: Sendable {
    var name: String
    var url: String?
    /// ", " before every name but the first.
    var separator: String
}
