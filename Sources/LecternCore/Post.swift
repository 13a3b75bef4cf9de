import Foundation

/// A category or a tag: the name as written by the editor and the slug used in URLs.
public struct Taxon: Sendable, Equatable, Hashable {
    public var name: String
    public var slug: String

    public init(name: String, slug: String) {
        self.name = name
        self.slug = slug
    }

    public init(name: String) {
        self.init(name: name, slug: Slug.make(from: name))
    }
}

/// A post as listed on cards, feeds and search results.
public struct PostSummary: Sendable, Equatable {
    public var slug: String
    public var title: String
    public var author: String
    public var date: Date
    public var updatedAt: Date
    public var category: Taxon
    public var tags: [Taxon]
    public var summary: String
    public var readingMinutes: Int
    public var viewCount: Int

    public init(
        slug: String, title: String, author: String, date: Date, updatedAt: Date, category: Taxon, tags: [Taxon], summary: String,
        readingMinutes: Int, viewCount: Int
    ) {
        self.slug = slug
        self.title = title
        self.author = author
        self.date = date
        self.updatedAt = updatedAt
        self.category = category
        self.tags = tags
        self.summary = summary
        self.readingMinutes = readingMinutes
        self.viewCount = viewCount
    }
}

/// A whole published post, with its neighbours in date order.
public struct Post: Sendable, Equatable {
    public var summary: PostSummary
    public var html: String
    public var cover: String?
    public var coverAlt: String?
    /// The next older post.
    public var previous: PostLink?
    /// The next newer post.
    public var next: PostLink?

    public init(summary: PostSummary, html: String, cover: String?, coverAlt: String?, previous: PostLink?, next: PostLink?) {
        self.summary = summary
        self.html = html
        self.cover = cover
        self.coverAlt = coverAlt
        self.previous = previous
        self.next = next
    }
}

public struct PostLink: Sendable, Equatable {
    public var slug: String
    public var title: String

    public init(slug: String, title: String) {
        self.slug = slug
        self.title = title
    }
}

/// One page of a list, with what is needed to draw the pager.
public struct Paged<Item: Sendable>: Sendable {
    public var items: [Item]
    public var page: Int
    public var perPage: Int
    public var totalItems: Int

    public init(items: [Item], page: Int, perPage: Int, totalItems: Int) {
        self.items = items
        self.page = page
        self.perPage = perPage
        self.totalItems = totalItems
    }

    /// At least one page, so an empty blog still has a page 1.
    public var pageCount: Int { max(1, (totalItems + perPage - 1) / perPage) }
}

/// A search hit: the post and a snippet of plain text in which `highlightStart`/`highlightEnd` mark the matched words.
public struct SearchHit: Sendable, Equatable {
    public static let highlightStart: Character = "\u{E000}"
    public static let highlightEnd: Character = "\u{E001}"

    public var post: PostSummary
    public var titleHighlighted: String
    public var snippet: String

    public init(post: PostSummary, titleHighlighted: String, snippet: String) {
        self.post = post
        self.titleHighlighted = titleHighlighted
        self.snippet = snippet
    }
}

/// A course as shown on cards and in the promo box of posts.
public struct CourseSummary: Sendable, Equatable {
    public var slug: String
    public var title: String
    public var subtitle: String
    public var level: String
    public var duration: String
    public var price: String
    public var summary: String
    public var benefits: [String]

    public init(slug: String, title: String, subtitle: String, level: String, duration: String, price: String, summary: String, benefits: [String]) {
        self.slug = slug
        self.title = title
        self.subtitle = subtitle
        self.level = level
        self.duration = duration
        self.price = price
        self.summary = summary
        self.benefits = benefits
    }
}

/// What a content sync did, for the operator.
public struct SyncReport: Sendable, Equatable {
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var unpublished = 0
    public var coursesCreated = 0
    public var coursesUpdated = 0
    public var coursesUnchanged = 0
    public var lessonsCreated = 0
    public var lessonsUpdated = 0
    public var lessonsUnchanged = 0
    public var lessonsRetired = 0
    public var problems: [ContentProblem] = []

    public init() {}

    public var errors: [ContentProblem] { problems.filter { $0.severity == .error } }

    /// One line for logs and the CLI.
    public var line: String {
        var text = "posts: \(created) created, \(updated) updated, \(unchanged) unchanged, \(unpublished) unpublished"
        text += "; courses: \(coursesCreated) created, \(coursesUpdated) updated, \(coursesUnchanged) unchanged"
        text += "; lessons: \(lessonsCreated) created, \(lessonsUpdated) updated, \(lessonsUnchanged) unchanged, \(lessonsRetired) retired"
        if !problems.isEmpty {
            let errorCount = errors.count
            text +=
                "; \(errorCount) file\(errorCount == 1 ? "" : "s") refused, \(problems.count - errorCount) warning\(problems.count - errorCount == 1 ? "" : "s")"
        }
        return text
    }
}
