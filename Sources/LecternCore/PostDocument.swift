import Foundation

/// A post as read from `Content/posts/<slug>.md`: front matter checked, Markdown rendered, ready to store.
public struct PostDocument: Sendable, Equatable {
    public var slug: String
    public var title: String
    public var author: String
    public var date: Date
    public var category: String
    public var tags: [String]
    public var summary: String
    public var cover: String?
    public var coverAlt: String?
    public var isDraft: Bool
    public var html: String
    /// Prose without code, for full-text search.
    public var searchText: String
    public var excerpt: String
    public var wordCount: Int
    public var readingMinutes: Int
    /// Relative to the content folder, e.g. `posts/hello.md`.
    public var sourcePath: String
    public var contentHash: String

    public var categorySlug: String { Slug.make(from: category) }
}
