import Foundation
import Hummingbird
import HummingbirdTesting
import LecternTestSupport
import LecternWeb
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite final class FeedTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        try site.writePost("ampersand", title: "Flask & <Friends>", date: "2026-01-05", body: "Text with \u{1} a control character & more.")
    }

    deinit { site.delete() }

    /// Whether `text` is well-formed XML, and the names of its elements.
    static func parse(_ text: String) -> (valid: Bool, elements: [String]) {
        final class Collector: NSObject, XMLParserDelegate {
            var elements: [String] = []
            func parser(
                _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
            ) {
                elements.append(name)
            }
        }
        let parser = XMLParser(data: Data(text.utf8))
        let collector = Collector()
        parser.delegate = collector
        return (parser.parse(), collector.elements)
    }

    @Test func theFeedIsWellFormedAtom() async throws {
        try await makeApp(site).test(.router) { client in
            let feed = try await client.get("/feed.xml")
            #expect(feed.status == .ok)
            #expect(feed.headers[.contentType] == "application/atom+xml; charset=utf-8")
            let parsed = Self.parse(feed.body)
            #expect(parsed.valid)
            #expect(parsed.elements.first == "feed")
            #expect(parsed.elements.filter { $0 == "entry" }.count == 13)
            #expect(feed.body.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""))
            #expect(feed.body.contains("<id>https://academy.example/blog/post-12</id>"))
            #expect(feed.body.contains("<title>Flask &amp; &lt;Friends&gt;</title>"))
            #expect(feed.body.contains("<published>2026-03-12T00:00:00Z</published>"))
        }
    }

    @Test func theSitemapListsEveryPublicPage() async throws {
        try await makeApp(site).test(.router) { client in
            let sitemap = try await client.get("/sitemap.xml")
            #expect(sitemap.status == .ok)
            #expect(Self.parse(sitemap.body).valid)
            #expect(sitemap.body.contains("<loc>https://academy.example/blog/post-01</loc>"))
            #expect(sitemap.body.contains("<loc>https://academy.example/blog/category/databases</loc>"))
            #expect(sitemap.body.contains("<loc>https://academy.example/blog/tag/docker</loc>"))
            #expect(sitemap.body.contains("<loc>https://academy.example/courses/flask-certificate</loc>"))
        }
    }

    @Test func robotsPointsAtTheSitemap() async throws {
        try await makeApp(site).test(.router) { client in
            let robots = try await client.get("/robots.txt")
            #expect(robots.status == .ok)
            #expect(robots.body.contains("Sitemap: https://academy.example/sitemap.xml"))
        }
    }
}
