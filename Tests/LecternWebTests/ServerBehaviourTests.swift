import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternTestSupport
import Testing

@testable import LecternStore
@testable import LecternWeb

@Suite final class ServerBehaviourTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
    }

    deinit { site.delete() }

    @Test func healthzAnswersOK() async throws {
        try await makeApp(site).test(.router) { client in
            let health = try await client.get("/healthz")
            #expect(health.status == .ok)
            #expect(health.body == "ok")
        }
    }

    @Test func readyzAnswersReadyOnAMigratedDatabase() async throws {
        try await makeApp(site).test(.router) { client in
            let ready = try await client.get("/readyz")
            #expect(ready.status == .ok)
            #expect(ready.body == "ready")
            #expect(ready.headers[.cacheControl] == "no-store")
        }
    }

    @Test func readyzIsUnavailableWhileMigrationsArePending() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            // Another process (an older binary's restore, a half-done upgrade) left the schema behind this binary.
            let database = try await site.openDatabase()
            let last = try LecternMigrations.all().last!
            try await database.raw.execute(
                raw: TestBackend.isPostgres
                    ? "DELETE FROM lectern_migrations WHERE name = '\(last)'" : "DELETE FROM grdb_migrations WHERE identifier = '\(last)'")
            let ready = try await client.get("/readyz")
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.body.contains("1 migration pending"))
            #expect(ready.headers[.retryAfter] == "5")
        }
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        try await makeApp(site).test(.router) { client in
            for path in ["/", "/blog/post-01", "/nowhere", "/css/site.css", "/healthz"] {
                let response = try await client.get(path)
                #expect(
                    response.headers[.contentSecurityPolicy]
                        == "default-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] != nil)
                #expect(response.headers[HTTPField.Name("Permissions-Policy")!] != nil)
            }
        }
    }

    @Test func staticFilesAreCachedAndRevalidated() async throws {
        try await makeApp(site).test(.router) { client in
            let css = try await client.get("/css/site.css")
            #expect(css.status == .ok)
            #expect(css.headers[.contentType]?.hasPrefix("text/css") == true)
            #expect(css.headers[.cacheControl]?.contains("max-age=86400") == true)
            let etag = try #require(css.headers[.eTag])
            let again = try await client.get("/css/site.css", headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.body.isEmpty)
        }
    }

    @Test func pagesLinkTheStylesheetByItsContentHash() async throws {
        try await makeApp(site).test(.router) { client in
            let home = try await client.get("/")
            #expect(home.body.contains("<link rel=\"stylesheet\" href=\"/css/site.css?v="))
        }
    }

    @Test func headWorksWhereverGetDoes() async throws {
        try await makeApp(site).test(.router) { client in
            for path in ["/", "/blog", "/blog/category/flask", "/feed.xml", "/css/site.css", "/healthz"] {
                let get = try await client.get(path)
                try await client.execute(uri: path, method: .head) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.body.readableBytes == 0)
                    #expect(response.headers[.contentLength] == String(get.body.utf8.count), "\(path)")
                }
            }
        }
    }

    @Test(arguments: ["/css/site.css%00.jpg", "/blog/post-01%0d%0aSet-Cookie:%20x=1", "/%7f", "/css/%01site.css"])
    func pathsWithControlBytesAreRefused(_ path: String) async throws {
        try await makeApp(site).test(.router) { client in
            let response = try await client.get(path)
            #expect(response.status == .badRequest)
            #expect(response.headers[.setCookie] == nil)
        }
    }

    @Test func traversalOutOfPublicIsRefused() async throws {
        try await makeApp(site).test(.router) { client in
            for path in ["/../Package.swift", "/css/../../Package.swift", "/%2e%2e/Package.swift", "/css/%2e%2e%2f%2e%2e%2fPackage.swift"] {
                let response = try await client.get(path)
                #expect(response.status == .badRequest || response.status == .notFound, "\(path)")
                #expect(!response.body.contains("PackageDescription"))
            }
        }
    }

    @Test func unexpectedErrorsShowARequestIDAndNoDetails() async throws {
        struct Boom: Error {}
        let library = try await PageRenderer.loadLibrary()
        let renderer = PageRenderer(
            library: library,
            site: SiteView(name: "Lectern Academy", tagline: "t", year: 2026, stylesheet: "/css/site.css", baseURL: "https://academy.example"),
            dates: DateText(timeZone: TimeZone(identifier: "UTC")!),
            baseURL: "https://academy.example"
        )
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: try ErrorPageMiddleware(renderer: renderer))
        router.get("/boom") { _, _ -> String in throw Boom() }
        try await Application(router: router).test(.router) { client in
            let page = try await client.get("/boom")
            #expect(page.status == .internalServerError)
            #expect(page.body.contains("Something went wrong"))
            #expect(page.body.contains("quote the reference <code>"))
            #expect(!page.body.contains("Boom"))
        }
    }

    @Test func aMissingTemplateFailsAtStartUp() async throws {
        let renderer = PageRenderer(
            library: try await PageRenderer.loadLibrary(),
            site: SiteView(name: "x", tagline: "t", year: 2026, stylesheet: "/s.css", baseURL: "http://x"),
            dates: DateText(timeZone: TimeZone(identifier: "UTC")!),
            baseURL: "http://x"
        )
        #expect(throws: PageRenderer.MissingTemplate.self) { try renderer.template("no-such-template") }
        for name in ["home", "blog-index", "post", "search", "error"] {
            _ = try renderer.template(name)
        }
    }

    @Test func badFrontMatterDoesNotStopTheServer() async throws {
        try site.writeFile("posts/broken.md", "---\ntitle: [oops\n---\n")
        try site.writeFile("posts/undated.md", "---\ntitle: No date\nauthor: A\n---\n")
        try await makeApp(site).test(.router) { client in
            let response1 = try await client.get("/blog/post-01")
            #expect(response1.status == .ok)
            let response2 = try await client.get("/blog/broken")
            #expect(response2.status == .notFound)
        }
    }

    @Test func aForeignDatabaseStopsTheStartWithAClearError() async throws {
        if let url = site.postgresURL {
            // Another application's database: its tables, no Lectern schema.
            for statement in ["DROP SCHEMA public CASCADE", "CREATE SCHEMA public", "CREATE TABLE orders (id integer)"] {
                try await TestPostgres.admin(url, statement)
            }
        } else {
            try Data("not a database".utf8).write(to: URL(fileURLWithPath: site.databasePath))
        }
        let error = await #expect(throws: DatabaseOpenError.self) { _ = try await makeApp(self.site) }
        if site.postgresURL != nil { #expect(error?.reason.contains("holds tables Lectern did not make (orders)") == true) }
    }

    @Test func aMissingContentFolderStopsTheStart() async throws {
        try FileManager.default.removeItem(at: site.content)
        await #expect(throws: (any Error).self) { _ = try await makeApp(self.site) }
    }

    @Test func viewCountsReachTheDatabaseWhenFlushed() async throws {
        let database = try await site.openDatabase()
        _ = try await database.content.sync(from: .init(root: site.content))
        let posts = database.posts
        let counter = ViewCounter(store: posts, interval: .seconds(60), logger: .init(label: "test"))
        #expect(counter.record("post-01") == (1, 1))
        #expect(counter.record("post-01") == (2, 2))
        await counter.flush()
        // Pending starts again after a flush; the running total does not.
        #expect(counter.record("post-01") == (1, 3))
        #expect(try await posts.post(slug: "post-01")?.summary.viewCount == 2)
    }
}
