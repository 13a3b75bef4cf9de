import Foundation
import HTTPTypes
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// `/api/v1/posts`: published posts, newest first with cursor pagination and category or tag filters, and one post
/// with its HTML. Public: no token needed (a token sent must still be valid).
struct PostsAPIController: Sendable {
    let publishing: Publishing
    let baseURL: String
    /// A post's answer is the same for every caller: encoded once per site revision.
    let answers: APIAnswerCache

    static let defaultLimit = 20
    static let maxLimit = 100
    /// As the contract's `Slug` schema says.
    static let maxSlugLength = 120

    struct Taxon: Encodable {
        var name: String
        var slug: String
    }

    struct Summary: Encodable {
        var slug: String
        var url: String
        var title: String
        var author: String
        var publishedAt: Date
        var updatedAt: Date
        var category: Taxon
        var tags: [Taxon]
        var summary: String
        var readingMinutes: Int
    }

    struct Page: Encodable {
        var items: [Summary]
        var nextCursor: String?
    }

    /// A post's summary fields and its body, in one object.
    struct Detail: Encodable {
        var post: Summary
        var html: String
        var cover: String?
        var coverAlt: String?

        enum Keys: String, CodingKey { case html, cover, coverAlt }

        func encode(to encoder: any Encoder) throws {
            try post.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(html, forKey: .html)
            try container.encodeIfPresent(cover, forKey: .cover)
            try container.encodeIfPresent(coverAlt, forKey: .coverAlt)
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("posts", use: list)
        group.get("posts/:slug", use: post)
        group.rejectOtherMethods("posts", allowing: [.get])
        group.rejectOtherMethods("posts/:slug", allowing: [.get])
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var problems: [APIProblem.FieldProblem] = []
        var limit = Self.defaultLimit
        if let text = query.get("limit") {
            if let number = Int(text), (1...Self.maxLimit).contains(number) {
                limit = number
            } else {
                problems.append(.init(name: "limit", reason: "must be a whole number from 1 to \(Self.maxLimit)"))
            }
        }
        var filter = PostFilter.all
        let category = query.get("category")
        let tag = query.get("tag")
        for (name, value) in [("category", category), ("tag", tag)] {
            if let value, value.count > Self.maxSlugLength || !Slug.isValid(value) {
                problems.append(.init(name: name, reason: "must be a slug such as `testing`, at most \(Self.maxSlugLength) characters"))
            }
        }
        var after: PostPosition?
        if let cursor = query.get("cursor") {
            if cursor.count <= 34, let position = PostPosition(cursor) {
                after = position
            } else {
                problems.append(.init(name: "cursor", reason: "is not a cursor this API gave: use `next_cursor` as it came"))
            }
        }
        guard problems.isEmpty else { throw APIProblem.invalidParameters(problems) }
        switch (category, tag) {
        case (let category?, let tag?): filter = .categoryAndTag(category: category, tag: tag)
        case (let category?, nil): filter = .category(slug: category)
        case (nil, let tag?): filter = .tag(slug: tag)
        case (nil, nil): filter = .all
        }
        let (found, position) = try await publishing.posts(after: after, limit: limit, filter: filter)
        let next = position?.text
        var response = try APIJSON.response(Page(items: found.map(summary), nextCursor: next), for: request)
        if let next {
            var link = "/api/v1/posts?cursor=\(next)&limit=\(limit)"
            if let category { link += "&category=\(category)" }
            if let tag { link += "&tag=\(tag)" }
            response.headers.append(HTTPField(name: HTTPField.Name("Link")!, value: "<\(link)>; rel=\"next\""))
        }
        return response
    }

    @Sendable func post(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.parameters.require("slug")
        let answer =
            slug.count <= Self.maxSlugLength && Slug.isValid(slug)
            ? try await answers.answer("post:\(slug)", personal: false) {
                guard let post = try await publishing.post(slug) else { return nil }
                return try APIJSON.answer(Detail(post: summary(post.summary), html: post.html, cover: post.cover, coverAlt: post.coverAlt))
            } : nil
        guard let answer else {
            throw APIProblem(kind: .notFound, status: .notFound, detail: "No published post has the slug '\(slug.prefix(100))'.")
        }
        return APIJSON.response(answer, for: request)
    }

    private func summary(_ post: PostSummary) -> Summary {
        Summary(
            slug: post.slug, url: "\(baseURL)/blog/\(post.slug)", title: post.title, author: post.author, publishedAt: post.date,
            updatedAt: post.updatedAt, category: Taxon(name: post.category.name, slug: post.category.slug),
            tags: post.tags.map { Taxon(name: $0.name, slug: $0.slug) }, summary: post.summary, readingMinutes: post.readingMinutes)
    }
}
