import Foundation
import LecternCore
import LecternStore
import LecternTestSupport
import Testing

@Suite final class PostStoreTests {
    let site: TestSite
    let database: any SiteDatabase
    var posts: PostStore { database.posts }

    init() async throws {
        site = try TestSite()
        database = try await TestBackend.open(site)
        for day in 1...25 {
            try site.writePost(
                String(format: "post-%02d", day), date: String(format: "2026-03-%02d", day),
                category: day % 2 == 0 ? "Databases" : "Flask", tags: day % 5 == 0 ? ["docker", "flask"] : ["flask"])
        }
        try site.writePost(
            "docker-deep-dive", title: "Shipping Flask in Docker", date: "2026-01-15", category: "DevOps", tags: ["docker"],
            summary: "Containers for Flask.", body: "A multi-stage Dockerfile keeps images small. Gunicorn runs the app.")
        _ = try await database.content.sync(from: ContentLoader(root: site.content))
    }

    deinit {
        TestBackend.release(database)
        site.delete()
    }

    @Test func pagesAreNewestFirstTenAPage() async throws {
        let first = try await posts.page(1, perPage: 10)
        #expect(first.totalItems == 26)
        #expect(first.pageCount == 3)
        #expect(first.items.first?.slug == "post-25")
        #expect(first.items.count == 10)
        let last = try await posts.page(3, perPage: 10)
        #expect(last.items.map(\.slug) == ["post-05", "post-04", "post-03", "post-02", "post-01", "docker-deep-dive"])
    }

    @Test func categoriesAndTagsFilterTheList() async throws {
        let databases = try await posts.page(1, perPage: 50, filter: .category(slug: "databases"))
        #expect(databases.totalItems == 12)
        let docker = try await posts.page(1, perPage: 50, filter: .tag(slug: "docker"))
        #expect(docker.items.map(\.slug) == ["post-25", "post-20", "post-15", "post-10", "post-05", "docker-deep-dive"])
        #expect(try await posts.taxon(for: .category(slug: "devops")) == Taxon(name: "DevOps", slug: "devops"))
        #expect(try await posts.taxon(for: .tag(slug: "nope")) == nil)
    }

    @Test func aPostKnowsItsNeighbours() async throws {
        let post = try #require(try await posts.post(slug: "post-10"))
        #expect(post.previous?.slug == "post-09")
        #expect(post.next?.slug == "post-11")
        let oldest = try #require(try await posts.post(slug: "docker-deep-dive"))
        #expect(oldest.previous == nil)
        #expect(oldest.html.contains("multi-stage"))
    }

    @Test func viewsAreAddedUp() async throws {
        try await posts.addViews(["post-01": 2, "no-such-post": 5])
        try await posts.addViews(["post-01": 3])
        #expect(try await posts.post(slug: "post-01")?.summary.viewCount == 5)
    }

    @Test func searchRanksTitleMatchesFirstAndMarksTheMatches() async throws {
        let hits = try await posts.search(try SearchQuery("docker"), page: 1, perPage: 10)
        #expect(hits.totalItems == 1)
        let hit = try #require(hits.items.first)
        #expect(hit.post.slug == "docker-deep-dive")
        #expect(hit.titleHighlighted == "Shipping Flask in \u{E000}Docker\u{E001}")
        #expect(hit.snippet.contains("\u{E000}"))
    }

    @Test func searchMatchesPrefixesAndStems() async throws {
        #expect(try await posts.search(try SearchQuery("dock"), page: 1, perPage: 10).totalItems == 1)
        #expect(try await posts.search(try SearchQuery("containers"), page: 1, perPage: 10).totalItems == 1)
        #expect(try await posts.search(try SearchQuery("kubernetes"), page: 1, perPage: 10).totalItems == 0)
    }

    @Test func searchCountsUpToItsLimitAndSaysWhenThereAreMore() async throws {
        let every = try SearchQuery("post")
        let all = try await posts.search(every, page: 1, perPage: 10)
        #expect(all.totalItems > 5)
        let capped = try await posts.search(every, page: 1, perPage: 10, countLimit: 5)
        #expect(capped.totalItems == 6, "the limit plus one: more than five")
        #expect(capped.items.map(\.post.slug) == all.items.map(\.post.slug), "the ranking is the same")
        #expect(try await posts.search(try SearchQuery("docker"), page: 1, perPage: 10, countLimit: 5).totalItems == 1)
    }

    @Test func searchSurvivesHostileInput() async throws {
        for text in ["\" OR 1=1 --", "NEAR(docker flask, 2)", "title:docker", "*", "'; DROP TABLE post; --"] {
            if let query = try? SearchQuery(text) {
                _ = try await posts.search(query, page: 1, perPage: 10)
            }
        }
        #expect(try await posts.page(1, perPage: 10).totalItems == 26)
    }
}
