import Foundation
import Hummingbird
import HummingbirdTesting
import LecternTestSupport
import LecternWeb
import Testing

@Suite final class SearchPageTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        try site.writePost(
            "docker-guide", title: "Shipping Flask in Docker", date: "2026-04-01", summary: "Containers for Flask.",
            body: "A multi-stage Dockerfile keeps images small & fast.")
    }

    deinit { site.delete() }

    @Test func findsPostsAndHighlightsTheMatches() async throws {
        try await makeApp(site).test(.router) { client in
            let page = try await client.get("/search?q=dockerfile")
            #expect(page.status == .ok)
            #expect(page.body.contains("1 post matches"))
            #expect(page.body.contains("href=\"/blog/docker-guide\""))
            #expect(page.body.contains("<mark>Dockerfile</mark>"))
            #expect(page.body.contains("&amp; fast"))
            #expect(page.body.contains("value=\"dockerfile\""))
        }
    }

    @Test func ranksTitleMatchesFirst() async throws {
        try await makeApp(site).test(.router) { client in
            let page = try await client.get("/search?q=flask")
            let title = try #require(page.body.range(of: "href=\"/blog/docker-guide\""))
            let other = try #require(page.body.range(of: "href=\"/blog/post-"))
            #expect(title.lowerBound < other.lowerBound)
            #expect(page.body.contains("13 posts match"))
            #expect(page.body.contains("Page 1 of 2"))
        }
    }

    @Test func anEmptyQueryShowsTheForm() async throws {
        try await makeApp(site).test(.router) { client in
            for uri in ["/search", "/search?q=", "/search?q=%20%20"] {
                let page = try await client.get(uri)
                #expect(page.status == .ok)
                #expect(page.body.contains("<label for=\"search-q\">"))
                #expect(page.body.contains("Type a word or two"))
            }
        }
    }

    @Test(arguments: ["%22*%22", "NEAR(a%20b)", "-", "%5E%5E", "title%3A", "%27%3B%20DROP%20TABLE%20post%3B%20--", "AND%20OR%20NOT"])
    func operatorLadenQueriesNeverFail(_ query: String) async throws {
        try await makeApp(site).test(.router) { client in
            let page = try await client.get("/search?q=\(query)")
            #expect(page.status == .ok)
        }
    }

    @Test func aVeryLongQueryIsABadRequestWithAnExplanation() async throws {
        try await makeApp(site).test(.router) { client in
            let page = try await client.get("/search?q=\(String(repeating: "flask", count: 100))")
            #expect(page.status == .badRequest)
            #expect(page.body.contains("That search is too long"))
        }
    }

    @Test func queriesAreEscapedWhenShown() async throws {
        try await makeApp(site).test(.router) { client in
            let page = try await client.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E")
            #expect(page.status == .ok)
            #expect(!page.body.contains("<script>"))
            #expect(page.body.contains("&lt;script&gt;"))
        }
    }
}
