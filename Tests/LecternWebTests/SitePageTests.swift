import Foundation
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternTestSupport
import LecternWeb
import Testing

/// Pages from Content/pages at /<slug>, author pages at /authors/<slug>, and the links to them.
@Suite final class SitePageTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        try site.writePost("by-maya", title: "A post by Maya", date: "2026-04-01")
        for folder in ["pages", "authors"] {
            try FileManager.default.createDirectory(at: site.content.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try site.writeFile("pages/about.md", "---\ntitle: \"About us\"\nsummary: \"Who we are.\"\nnav: footer\n---\nWe teach **Flask**. Meet [Maya](/authors/maya-okafor).\n")
        try site.writeFile("pages/contact.md", "---\ntitle: \"Contact\"\nsummary: \"Write to us.\"\nnav: header\n---\nWrite to us.\n")
        try site.writeFile("pages/unlisted.md", "---\ntitle: \"Unlisted\"\nsummary: \"Not in the footer.\"\n---\nQuiet.\n")
        try site.writeFile("authors/maya-okafor.md", "---\nname: \"Maya Okafor\"\nrole: \"Instructor, Flask foundations\"\n---\nMaya builds Flask services.\n")
    }

    deinit { site.delete() }

    @Test func aPageIsServedAtItsSlugAndLinkedFromTheFooter() async throws {
        try await makeApp(site).test(.router) { client in
            let page = try await client.get("/about")
            #expect(page.status == .ok)
            #expect(page.body.contains("<h1>About us</h1>") && page.body.contains("<strong>Flask</strong>"))
            #expect(page.body.contains("<meta name=\"description\" content=\"Who we are.\">"))
            let home = try await client.get("/")
            #expect(home.body.contains("<li><a href=\"/about\">About us</a></li>"))
            #expect(!home.body.contains("href=\"/unlisted\""))
            #expect(try await client.get("/unlisted").status == .ok)
            let missing = try await client.get("/no-such-page")
            #expect(missing.status == .notFound)
            #expect(missing.body.contains("There is no page at this address"))
            // A header page is in the header too (twice: the wide bar and the phone menu), current on its own page.
            #expect(home.body.components(separatedBy: "<li><a href=\"/contact\">Contact</a></li>").count == 4, "header ×2 and footer")
            let contact = try await client.get("/contact")
            #expect(contact.body.contains("<li><a href=\"/contact\" aria-current=\"page\">Contact</a></li>"))
            #expect(!home.body.contains("href=\"/about\" aria-current"))
            #expect(home.body.components(separatedBy: "href=\"/about\"").count == 2, "a footer page is only in the footer")
            // The site's own addresses still answer as before.
            #expect(try await client.get("/blog").status == .ok)
            #expect(try await client.get("/courses").status == .ok)
        }
    }

    @Test func anAuthorPageListsTheirPostsAndCoursesAndIsLinkedFromThem() async throws {
        try await makeApp(site).test(.router) { client in
            let author = try await client.get("/authors/maya-okafor")
            #expect(author.status == .ok)
            #expect(author.body.contains("<h1>Maya Okafor</h1>") && author.body.contains("Instructor, Flask foundations"))
            #expect(author.body.contains("href=\"/blog/by-maya\""))
            #expect(author.body.contains("href=\"/courses/flask-certificate\""), "she teaches the course")
            let post = try await client.get("/blog/by-maya")
            #expect(post.body.contains("<a href=\"/authors/maya-okafor\">Maya Okafor</a>"))
            let course = try await client.get("/courses/flask-certificate")
            #expect(course.body.contains("Taught by <a href=\"/authors/maya-okafor\">Maya Okafor</a>, Daniel Reyes"))
            #expect(try await client.get("/authors/nobody").status == .notFound)
        }
    }

    @Test func lintRefusesAPageThatWouldTakeOneOfTheSitesAddresses() throws {
        try site.writeFile("pages/blog.md", "---\ntitle: \"Blog\"\nsummary: \"Clash.\"\n---\nText.\n")
        try site.writeFile("pages/links.md", "---\ntitle: \"Links\"\nsummary: \"Broken.\"\n---\nSee [nobody](/authors/nobody) and [about](/about).\n")
        let report = try ContentLint(root: site.content, publicFolder: nil).run()
        #expect(report.errors.contains { $0.path == "pages/blog.md" && $0.reason.contains("one of the site's own addresses") })
        #expect(report.problems.contains { $0.path == "pages/links.md" && $0.reason.contains("points at no author") })
        #expect(!report.problems.contains { $0.path == "pages/links.md" && $0.reason.contains("/about") })
    }
}
