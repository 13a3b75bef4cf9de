import Foundation
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import LecternWeb
import Testing

@Suite final class BlogPageTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
    }

    deinit { site.delete() }

    @Test func homeShowsTheLatestPostsAndTheFeaturedCourse() async throws {
        try await makeApp(site).test(.router) { client in
            let page = try await client.get("/")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.body.contains("Post number 12"))
            #expect(page.body.contains("Post number 6"))
            #expect(!page.body.contains("Post number 5<"))
            #expect(page.body.contains("Flask Certificate"))
            #expect(page.body.contains("href=\"/courses/flask-certificate\""))
            #expect(page.body.contains("<link rel=\"canonical\" href=\"https://academy.example/\">"))
        }
    }

    @Test func blogListsTenPostsAPageNewestFirst() async throws {
        try await makeApp(site).test(.router) { client in
            let first = try await client.get("/blog")
            #expect(first.status == .ok)
            #expect(first.body.components(separatedBy: "class=\"card post-card\"").count - 1 == 10)
            let newest = try #require(first.body.range(of: "Post number 12"))
            let older = try #require(first.body.range(of: "Post number 11"))
            #expect(newest.lowerBound < older.lowerBound)
            #expect(first.body.contains("Page 1 of 2"))
            #expect(first.body.contains("rel=\"next\" href=\"/blog?page=2\""))

            let second = try await client.get("/blog?page=2")
            #expect(second.status == .ok)
            #expect(second.body.contains("Post number 2"))
            #expect(second.body.contains("Post number 1<"))
            #expect(second.body.contains("rel=\"prev\" href=\"/blog\""))
            #expect(second.body.contains("<a href=\"/blog?page=2\" aria-current=\"page\">2</a>"))
        }
    }

    @Test func aPagePastTheEndIsNotFound() async throws {
        try await makeApp(site).test(.router) { client in
            let page = try await client.get("/blog?page=3")
            #expect(page.status == .notFound)
            #expect(page.body.contains("There is no page 3"))
        }
    }

    @Test(arguments: ["0", "-1", "abc", "1.5", "", "99999999999999999999"])
    func aPageThatIsNotAPositiveIntegerIsABadRequest(_ value: String) async throws {
        try await makeApp(site).test(.router) { client in
            let page = try await client.get("/blog?page=\(value)")
            #expect(page.status == .badRequest)
            #expect(page.body.contains("The page number must be a whole number"))
            #expect(page.body.contains("class=\"site-header\""))
        }
    }

    @Test func categoryAndTagPagesListTheirPosts() async throws {
        try await makeApp(site).test(.router) { client in
            let databases = try await client.get("/blog/category/databases")
            #expect(databases.status == .ok)
            #expect(databases.body.contains("<h1>Databases</h1>"))
            #expect(databases.body.contains("Post number 12"))
            #expect(!databases.body.contains("Post number 11"))

            let docker = try await client.get("/blog/tag/docker")
            #expect(docker.status == .ok)
            #expect(docker.body.contains("Post number 9"))
            #expect(!docker.body.contains("Post number 8"))

            let response1 = try await client.get("/blog/category/cooking")
            #expect(response1.status == .notFound)
            let response2 = try await client.get("/blog/tag/cooking")
            #expect(response2.status == .notFound)
        }
    }

    @Test func anEmptyBlogStillHasAFirstPage() async throws {
        let empty = try TestSite()
        defer { empty.delete() }
        try await makeApp(empty).test(.router) { client in
            let page = try await client.get("/blog")
            #expect(page.status == .ok)
            #expect(page.body.contains("No posts have been published yet"))
            let response3 = try await client.get("/")
            #expect(response3.status == .ok)
        }
    }

    /// A post dated in the future is scheduled: on no public page, feed, sitemap or search until its time.
    @Test func aPostDatedInTheFutureIsScheduledNotPublic() async throws {
        try site.writePost("next-year", title: "Coming in 2099", date: "2099-03-01 09:00", body: "Scheduledword in the body.")
        let site = self.site
        try await makeApp(site).test(.router) { client in
            for path in ["/", "/blog", "/feed.xml", "/sitemap.xml", "/blog/category/flask", "/search?q=scheduledword"] {
                let page = try await client.get(path)
                #expect(page.status == .ok)
                #expect(!page.body.contains("next-year") && !page.body.contains("Coming in 2099"), "\(path) shows the scheduled post")
            }
            #expect(try await client.get("/blog/next-year").status == .notFound)
        }
        let posts = try await site.openDatabase().posts
        #expect(try await posts.nextPublication() == ContentDate.parse("2099-03-01 09:00"))
        #expect(try await posts.record(slug: "next-year")?.status == .scheduled)
    }
}
