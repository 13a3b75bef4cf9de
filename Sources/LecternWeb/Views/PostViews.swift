import Foundation
import LecternCore

/// A post as a card on lists.
struct PostCardView: Sendable {
    var slug: String
    var title: String
    var author: String
    /// The author's page, when they have one.
    var authorURL: String?
    var date: String
    var dateISO: String
    var category: TaxonView
    var tags: [TaxonView]
    var hasTags: Bool
    var summary: String
    var readingMinutes: Int
    var views: String

    init(_ post: PostSummary, dates: DateText) {
        self.slug = post.slug
        self.title = post.title
        self.author = post.author
        self.date = dates.long(post.date)
        self.dateISO = dates.day(post.date)
        self.category = TaxonView(post.category)
        self.tags = post.tags.map(TaxonView.init)
        self.hasTags = !post.tags.isEmpty
        self.summary = post.summary
        self.readingMinutes = post.readingMinutes
        self.views = ViewCountText.make(post.viewCount)
    }
}

/// A neighbouring post, as the previous/next links show it.
struct PostLinkView: Sendable {
    var slug: String
    var title: String

    init(_ link: PostLink) {
        self.slug = link.slug
        self.title = link.title
    }
}

/// A category or tag as a template shows it.
struct TaxonView: Sendable {
    var name: String
    var slug: String

    init(_ taxon: Taxon) {
        self.name = taxon.name
        self.slug = taxon.slug
    }
}

enum ViewCountText {
    /// "1 view", "1,234 views".
    static func make(_ count: Int) -> String {
        var digits = String(count)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        return "\(digits)\(grouped) \(count == 1 ? "view" : "views")"
    }
}

/// The course advertised beside posts and on the home page.
struct CoursePromoView: Sendable {
    var slug: String
    var title: String
    var subtitle: String
    var level: String
    var duration: String
    var price: String
    var summary: String
    var benefits: [String]
    var hasBenefits: Bool
    /// Offered only when it takes learners, or (with none open) as the next to open: the button says which.
    var availability: AvailabilityView

    init(_ course: CourseSummary, availability: AvailabilityView) {
        self.availability = availability
        self.slug = course.slug
        self.title = course.title
        self.subtitle = course.subtitle
        self.level = course.level
        self.duration = course.duration
        self.price = course.price
        self.summary = course.summary
        self.benefits = Array(course.benefits.prefix(5))
        self.hasBenefits = !course.benefits.isEmpty
    }
}

/// Numbered pages with previous/next; long runs are shortened around the current page.
struct PagerView: Sendable {
    struct Item: Sendable {
        var number: Int
        var url: String
        var isCurrent: Bool
        var isGap: Bool
    }

    var previousURL: String?
    var nextURL: String?
    var items: [Item]
    var isNeeded: Bool
    var summary: String

    init(page: Int, pageCount: Int, url: (Int) -> String) {
        self.previousURL = page > 1 ? url(page - 1) : nil
        self.nextURL = page < pageCount ? url(page + 1) : nil
        self.isNeeded = pageCount > 1
        self.summary = "Page \(page) of \(pageCount)"
        var numbers: [Int] = []
        for number in 1...pageCount where number == 1 || number == pageCount || abs(number - page) <= 2 {
            numbers.append(number)
        }
        var items: [Item] = []
        var last = 0
        for number in numbers {
            if number - last > 1 { items.append(Item(number: 0, url: "", isCurrent: false, isGap: true)) }
            items.append(Item(number: number, url: url(number), isCurrent: number == page, isGap: false))
            last = number
        }
        self.items = items
    }
}

struct HomeView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var featured: [PostCardView]
    var more: [PostCardView]
    var course: CoursePromoView?
    var hasPosts: Bool
}

struct BlogIndexView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var heading: String
    var intro: String
    var posts: [PostCardView]
    var pager: PagerView
    var categories: [TaxonLinkView]
    var hasCategories: Bool
    var isAllPosts: Bool
    var hasPosts: Bool
}

struct TaxonLinkView: Sendable {
    var name: String
    var url: String
    var count: Int
    var isCurrent: Bool
}

struct PostPageView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var post: PostCardView
    var html: String
    var cover: String?
    var coverAlt: String
    var previous: PostLinkView?
    var next: PostLinkView?
    var course: CoursePromoView?
    var ogImage: String?
    var articleMeta: ArticleMeta
}

/// OpenGraph `article:*` tags of a post page.
struct ArticleMeta: Sendable {
    var publishedISO: String
    var author: String
    var section: String
    var tags: [String]
}

struct SearchResultView: Sendable {
    var post: PostCardView
    var titleHTML: String
    var snippetHTML: String
}

struct SearchView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var query: String
    var message: String?
    var results: [SearchResultView]
    var resultCount: String
    var hasResults: Bool
    var pager: PagerView?
    /// Courses that match, on the first page only.
    var courses: [SearchCourseView] = []
    var hasCourses = false
    /// "Did you mean …": the query with misspelt words replaced, and its address.
    var suggestion: String?
    var suggestionURL: String?
}

/// A course in the search results.
struct SearchCourseView: Sendable {
    var slug: String
    var title: String
    var subtitle: String
    /// Availability, and how places are given when not by enrolling: "Open: 40 seats left · Places by access code".
    var availability: String

    init(_ course: CourseDetail, at now: Date, dates: DateText) {
        slug = course.summary.slug
        title = course.summary.title
        subtitle = course.summary.subtitle
        let text = AvailabilityView(course.availability(at: now), dates: dates).text
        availability = ([text] + [CourseCardView.modeLabel(course.enrolmentMode)].compactMap { $0 }).joined(separator: " · ")
    }
}

struct ErrorPageView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var status: Int
    var heading: String
    var message: String
    var requestID: String?
}
