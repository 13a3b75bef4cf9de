import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import LecternWeb
import Testing

/// `GET /api/v1/posts` and `/api/v1/posts/{slug}`: public reads with cursors, filters, ETags and problems.
@Suite final class PostsAPITests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        try site.writePost("draft-post", title: "A draft", date: "2026-03-20", draft: true)
        try site.writePost("future-post", title: "Still to come", date: "2099-01-01")
    }

    deinit { site.delete() }

    static func json(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "not JSON: \(body)")
    }

    @Test func pagesFollowTheCursorUntilTheEndWithoutRepeatsOrGaps() async throws {
        try await makeApp(site).test(.router) { client in
            var seen: [String] = []
            var uri = "/api/v1/posts?limit=5"
            var pages = 0
            while true {
                let page = try await client.get(uri)
                #expect(page.status == .ok)
                let body = try Self.json(page.body)
                let items = try #require(body["items"] as? [[String: Any]])
                seen += items.compactMap { $0["slug"] as? String }
                pages += 1
                guard let next = body["next_cursor"] as? String else {
                    #expect(page.headers[HTTPField.Name("Link")!] == nil)
                    break
                }
                #expect(page.headers[HTTPField.Name("Link")!] == "</api/v1/posts?cursor=\(next)&limit=5>; rel=\"next\"")
                uri = "/api/v1/posts?limit=5&cursor=\(next)"
            }
            #expect(pages == 3)
            #expect(seen == (1...12).reversed().map { String(format: "post-%02d", $0) }, "newest first; no draft, nothing scheduled")
        }
    }

    @Test func filtersAndOnePostWithItsHTML() async throws {
        try await makeApp(site).test(.router) { client in
            let databases = try Self.json(try await client.get("/api/v1/posts?category=databases").body)
            #expect((databases["items"] as? [[String: Any]])?.count == 6)
            let both = try Self.json(try await client.get("/api/v1/posts?category=databases&tag=docker").body)
            #expect((both["items"] as? [[String: Any]])?.compactMap { $0["slug"] as? String } == ["post-12", "post-06"], "both filters at once")
            let docker = try Self.json(try await client.get("/api/v1/posts?tag=docker").body)
            #expect((docker["items"] as? [[String: Any]])?.compactMap { $0["slug"] as? String } == ["post-12", "post-09", "post-06", "post-03"])

            let post = try await client.get("/api/v1/posts/post-03")
            #expect(post.status == .ok)
            let body = try Self.json(post.body)
            #expect(body["html"] as? String == "<h2>Section</h2>\n<p>Paragraph about Flask number 3.</p>\n")
            #expect(body["published_at"] as? String == "2026-03-03T00:00:00Z")
            #expect(body["url"] as? String == "https://academy.example/blog/post-03")
            #expect((body["category"] as? [String: Any])?["slug"] as? String == "flask")
            for hidden in ["draft-post", "future-post", "no-such-post", "Not%20A%20Slug"] {
                let missing = try await client.get("/api/v1/posts/\(hidden)")
                #expect(missing.status == .notFound, "\(hidden)")
                #expect(try Self.json(missing.body)["type"] as? String == "/api/problems/not-found")
            }
        }
    }

    @Test func anUnchangedReadIsA304() async throws {
        try await makeApp(site).test(.router) { client in
            let first = try await client.get("/api/v1/posts/post-01")
            let etag = try #require(first.headers[.eTag])
            let again = try await client.get("/api/v1/posts/post-01", headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified && again.body.isEmpty)
            #expect(try await client.get("/api/v1/posts/post-01", headers: [.ifNoneMatch: "\"other\""]).status == .ok)
            // A list, a weakened tag (a compressing proxy) and `*` all match, as RFC 9110 asks.
            for header in ["\"other\", \(etag)", "W/\(etag)", "\"other\", *"] {
                #expect(try await client.get("/api/v1/posts/post-01", headers: [.ifNoneMatch: header]).status == .notModified, "\(header)")
            }
            #expect(first.headers[.vary] == "Authorization, Cookie")
            let list = try await client.get("/api/v1/posts")
            #expect(try await client.get("/api/v1/posts", headers: [.ifNoneMatch: try #require(list.headers[.eTag])]).status == .notModified)
        }
    }

    @Test func wrongParametersAreA422NamingEachOne() async throws {
        try await makeApp(site).test(.router) { client in
            for (query, name) in [
                ("limit=0", "limit"), ("limit=101", "limit"), ("limit=ten", "limit"), ("category=Not%20A%20Slug", "category"),
("tag=\(String(repeating: "a", count: 121))", "tag"), ("cursor=%%%", "cursor"), ("cursor=12-ab", "cursor"), ("cursor=-1-2", "cursor"),
            ] {
                let answer = try await client.get("/api/v1/posts?\(query)")
                #expect(answer.status == .unprocessableContent, "\(query)")
                let problem = try Self.json(answer.body)
                #expect(problem["type"] as? String == "/api/problems/validation-failed")
                #expect((problem["errors"] as? [[String: Any]])?.first?["name"] as? String == name, "\(query): \(answer.body)")
            }
        }
    }
}
