import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternTestSupport
import LecternWeb
import Testing

@Suite final class PostPageTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        try site.writePost(
            "hostile", title: "<script>alert('title')</script>", date: "2026-02-01",
            summary: "Summary with <b>tags</b>",
            body: """
                Raw <script>alert(1)</script> and <img src=x onerror=alert(2)>.

                [a link](javascript:alert(3)) and [docs](https://flask.palletsprojects.com/).
                """)
    }

    deinit { site.delete() }

    @Test func showsEverythingAReaderExpects() async throws {
        try await makeApp(site).test(.router) { client in
            let page = try await client.get("/blog/post-06")
            #expect(page.status == .ok)
            let body = page.body
            #expect(body.contains("<h1 id=\"post-title\">Post number 6</h1>"))
            #expect(body.contains("Maya Okafor"))
            #expect(body.contains("<time datetime=\"2026-03-06\">6 March 2026</time>"))
            #expect(body.contains("1 min read"))
            #expect(body.contains("href=\"/blog/category/databases\">Databases</a>"))
            #expect(body.contains("href=\"/blog/tag/docker\">#docker</a>"))
            #expect(body.contains("<h2>Section</h2>"))
            #expect(body.contains("Back to Blog"))
            #expect(body.contains("rel=\"prev\" href=\"/blog/post-05\""))
            #expect(body.contains("rel=\"next\" href=\"/blog/post-07\""))
            #expect(body.contains("This course helps you to:"))
            #expect(body.contains("Build real Flask applications"))
            #expect(body.contains("<a class=\"button button-cta\" href=\"/courses/flask-certificate\">Enrol now</a>"))
            #expect(body.contains("<title>Post number 6 · Lectern Academy</title>"))
            #expect(body.contains("<meta name=\"description\" content=\"Paragraph about Flask number 6.\">"))
            #expect(body.contains("<link rel=\"canonical\" href=\"https://academy.example/blog/post-06\">"))
            #expect(body.contains("<meta property=\"og:type\" content=\"article\">"))
            #expect(body.contains("<meta property=\"article:published_time\" content=\"2026-03-06T00:00:00Z\">"))
        }
    }

    @Test func eachVisitorsViewIncrementsTheCount() async throws {
        try await makeApp(site).test(.router) { client in
            func reader(_ index: Int) -> HTTPFields { [.userAgent: "Mozilla/5.0 (reader \(index)) Firefox/130.0"] }
            let body1 = try await client.get("/blog/post-03", headers: reader(1)).body
            #expect(body1.contains("1 view<"))
            let body2 = try await client.get("/blog/post-03", headers: reader(2)).body
            #expect(body2.contains("2 views<"))
            let body3 = try await client.get("/blog/post-03", headers: reader(3)).body
            #expect(body3.contains("3 views<"))
            let body4 = try await client.get("/blog/post-04", headers: reader(1)).body
            #expect(body4.contains("1 view<"))
        }
    }

    @Test func anUnknownPostIsAStyledNotFoundPage() async throws {
        try await makeApp(site).test(.router) { client in
            for path in ["/blog/no-such-post", "/blog/UPPER", "/nowhere", "/blog/post-01/extra"] {
                let page = try await client.get(path)
                #expect(page.status == .notFound, "\(path)")
                #expect(page.body.contains("class=\"site-header\""))
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            }
        }
    }

    @Test func rawHTMLAndScriptLinksNeverReachThePage() async throws {
        try await makeApp(site).test(.router) { client in
            let page = try await client.get("/blog/hostile")
            #expect(page.status == .ok)
            #expect(!page.body.contains("<script"))
            #expect(!page.body.contains("onerror"))
            #expect(!page.body.contains("javascript:"))
            #expect(!page.body.contains("<b>tags</b>"))
            #expect(page.body.contains("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;"))
            #expect(page.body.contains("href=\"https://flask.palletsprojects.com/\""))
        }
    }

    @Test func draftsAreNotServed() async throws {
        try site.writePost("secret", draft: true)
        try await makeApp(site).test(.router) { client in
            let response1 = try await client.get("/blog/secret")
            #expect(response1.status == .notFound)
        }
    }

    @Test func datesAreReadAndShownInTheSitesTimeZone() async throws {
        try site.writePost("utc-night", title: "Written at 2 am UTC", date: "2026-03-06T02:00:00Z")
        var configuration = testConfiguration(site)
        configuration.timeZone = TimeZone(identifier: "America/New_York")!
        try await buildApplication(configuration).test(.router) { client in
            // A date without an offset is the site's own: 6 March in New York.
            let page = try await client.get("/blog/post-06")
            #expect(page.body.contains("<time datetime=\"2026-03-06\">6 March 2026</time>"))
            // 2 am UTC on 6 March is still the evening of 5 March in New York.
            let night = try await client.get("/blog/utc-night")
            #expect(night.body.contains("<time datetime=\"2026-03-05\">5 March 2026</time>"))
        }
    }
}
