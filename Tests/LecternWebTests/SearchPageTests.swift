import Foundation
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
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
        try site.writePost("alembic", title: "Schema changes", date: "2026-04-02", body: "Run your migrations with Alembic before deployment.")
        try site.writePost("pytest", title: "Fixtures", date: "2026-04-03", body: "Testing an application factory with pytest.")
        try site.writePost("factory-words", title: "Words", date: "2026-04-04", body: "The factory builds the application.")
        try site.writePost("secret-draft", title: "Draft", date: "2026-04-05", draft: true, body: "Quixotically unannounced plans.")
        try site.writeLesson("flask-certificate", "03-templates", title: "Templates with Jinja")
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

    /// Each example the page's hint gives is true.
    @Test func everyWordIsAPrefixAsTheHintSays() async throws {
        try await makeApp(site).test(.router) { client in
            let form = try await client.get("/search")
            #expect(form.body.contains("“migr” finds “migrations”, “testin” finds “testing”"))
            #expect(form.body.contains(#"<a href="/search" aria-current="page">Search</a>"#))
            for (query, slug) in [("migr", "alembic"), ("migrati", "alembic"), ("migrations", "alembic"), ("deploym", "alembic"), ("deploymen", "alembic"),
                                  ("testi", "pytest"), ("testin", "pytest"), ("testing", "pytest")] {
                let page = try await client.get("/search?q=\(query)")
                #expect(page.body.contains("href=\"/blog/\(slug)\""), "“\(query)” should find \(slug)")
            }
        }
    }

    @Test func aQuotedPhraseMatchesThoseWordsInThatOrder() async throws {
        try await makeApp(site).test(.router) { client in
            let phrase = try await client.get("/search?q=%22application%20factory%22")
            #expect(phrase.body.contains("href=\"/blog/pytest\""))
            #expect(!phrase.body.contains("href=\"/blog/factory-words\""))
            let words = try await client.get("/search?q=application%20factory")
            #expect(words.body.contains("href=\"/blog/pytest\"") && words.body.contains("href=\"/blog/factory-words\""))
        }
    }

    @Test func coursesAreFoundByTheirSyllabusAndListedApart() async throws {
        try await makeApp(site).test(.router) { client in
            let page = try await client.get("/search?q=jinja")
            #expect(page.body.contains("<h2 class=\"results-heading\">Courses</h2>"))
            #expect(page.body.contains("href=\"/courses/flask-certificate\""))
            // Lesson bodies are not searched: nobody learns what a lesson says from the results.
            let body = try await client.get("/search?q=print")
            #expect(!body.body.contains("href=\"/courses/flask-certificate\""))
        }
    }

    @Test func aCourseAddedWhileServingIsFoundAtOnce() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            // A signed-in search skips the page cache; the course words kept for search must not go stale either.
            #expect(!(try await client.get("/search?q=kubernetes").body.contains("href=\"/courses/kubernetes-basics\"")))
            try site.writeCourse("kubernetes-basics", title: "Kubernetes Basics")
            try site.writeLesson("kubernetes-basics", "01-pods")
            _ = try await site.openDatabase().content.sync(from: ContentLoader(root: site.content))
            #expect(try await client.get("/search?q=kubernet").body.contains("href=\"/courses/kubernetes-basics\""))
        }
    }

    @Test func nothingFoundSuggestsTheNearestWordThatFindsSomething() async throws {
        try await makeApp(site).test(.router) { client in
            let page = try await client.get("/search?q=migratoins")
            #expect(page.body.contains("Nothing matches “migratoins”"))
            #expect(page.body.contains("Did you mean <a href=\"/search?q=migrations\">migrations</a>?"))
            // A draft's words are in the index but are never offered.
            let draft = try await client.get("/search?q=quixoticaly")
            #expect(!draft.body.contains("Did you mean"))
        }
    }
}
