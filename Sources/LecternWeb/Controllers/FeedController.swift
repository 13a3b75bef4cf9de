import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// Machine-readable views of the blog: the Atom feed, the sitemap, robots.txt (and the favicon's old address).
struct FeedController: Sendable {
    static let feedSize = 20

    let publishing: Publishing
    let renderer: PageRenderer
    /// The feed is the most expensive anonymous request (20 posts in full): kept like the other public pages.
    let pageCache: PageCache

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/feed.xml", use: feed)
        group.get("/sitemap.xml", use: sitemap)
        group.get("/robots.txt", use: robots)
        group.get("/favicon.ico", use: favicon)
    }

    @Sendable func feed(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.response(await pageCache.page(for: request, context: context) { try await renderFeed() }, request, context)
    }

    @Sendable func sitemap(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.response(await pageCache.page(for: request, context: context) { try await renderSitemap() }, request, context)
    }

    private func renderFeed() async throws -> HTML {
        let entries = try await publishing.feed(limit: Self.feedSize)
        let base = renderer.baseURL
        let updated = entries.map(\.summary.updatedAt).max() ?? Date(timeIntervalSince1970: 0)
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="\(XML.escape(base))/">
              <title>\(XML.escape(renderer.site.name)) Blog</title>
              <subtitle>\(XML.escape(renderer.site.tagline))</subtitle>
              <link rel="self" type="application/atom+xml" href="\(XML.escape(base))/feed.xml"/>
              <link rel="alternate" type="text/html" href="\(XML.escape(base))/blog"/>
              <id>\(XML.escape(base))/blog</id>
              <updated>\(DateText.rfc3339(updated))</updated>
              <generator>Lectern</generator>

            """
        for post in entries {
            let summary = post.summary
            let url = "\(base)/blog/\(summary.slug)"
            xml += """
                  <entry>
                    <title>\(XML.escape(summary.title))</title>
                    <link rel="alternate" type="text/html" href="\(XML.escape(url))"/>
                    <id>\(XML.escape(url))</id>
                    <published>\(DateText.rfc3339(summary.date))</published>
                    <updated>\(DateText.rfc3339(summary.updatedAt))</updated>
                    <author><name>\(XML.escape(summary.author))</name></author>
                    <category term="\(XML.escape(summary.category.slug))" label="\(XML.escape(summary.category.name))"/>
                    <summary>\(XML.escape(summary.summary))</summary>
                    <content type="html">\(XML.escape(post.html))</content>
                  </entry>

                """
        }
        xml += "</feed>\n"
        return HTML(body: xml, contentType: "application/atom+xml; charset=utf-8")
    }

    private func renderSitemap() async throws -> HTML {
        async let entries = publishing.sitemap()
        async let categories = publishing.categories()
        async let tags = publishing.tags()
        async let catalogue = publishing.catalogue()
        let base = renderer.baseURL
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <url><loc>\(XML.escape(base))/</loc></url>
              <url><loc>\(XML.escape(base))/blog</loc></url>
              <url><loc>\(XML.escape(base))/courses</loc></url>

            """
        for course in try await catalogue {
            xml += "  <url><loc>\(XML.escape("\(base)/courses/\(course.summary.slug)"))</loc></url>\n"
        }
        for entry in try await entries {
            xml += "  <url><loc>\(XML.escape("\(base)/blog/\(entry.slug)"))</loc><lastmod>\(DateText.rfc3339(entry.updatedAt))</lastmod></url>\n"
        }
        for entry in try await categories {
            xml += "  <url><loc>\(XML.escape("\(base)/blog/category/\(entry.taxon.slug)"))</loc></url>\n"
        }
        for entry in try await tags {
            xml += "  <url><loc>\(XML.escape("\(base)/blog/tag/\(entry.taxon.slug)"))</loc></url>\n"
        }
        xml += "</urlset>\n"
        return HTML(body: xml, contentType: "application/xml; charset=utf-8")
    }

    /// Browsers ask for /favicon.ico on pages without a <link rel=icon> (the certificate's JSON, say): point them at the SVG.
    @Sendable func favicon(_ request: Request, context: AppRequestContext) -> Response {
        Response(status: .movedPermanently, headers: [.location: "/favicon.svg", .cacheControl: "public, max-age=86400"])
    }

    @Sendable func robots(_ request: Request, context: AppRequestContext) -> Response {
        Self.response(
            "User-agent: *\nDisallow: /search\nAllow: /\n\nSitemap: \(renderer.baseURL)/sitemap.xml\n", contentType: "text/plain; charset=utf-8")
    }

    private static func response(_ document: HTML, _ request: Request, _ context: AppRequestContext) throws -> Response {
        var response = try document.response(from: request, context: context)
        response.headers[.cacheControl] = "public, max-age=300"
        return response
    }

    private static func response(_ text: String, contentType: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: contentType, .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}

/// Escaping for XML text and attribute values.
enum XML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // Characters XML 1.0 forbids would make the whole document invalid.
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
