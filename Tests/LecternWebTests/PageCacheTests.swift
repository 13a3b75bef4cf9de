import Foundation
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import Testing

@testable import LecternWeb

/// Public pages are rendered once and reused for visitors without a session; nothing they show may go stale
/// after a change made by this process, and a post's view count stays exact.
@Suite final class PageCacheTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
    }

    deinit { site.delete() }

    @Test func aNewPostShowsAtOnceEvenThoughTheListWasCached() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            let before = try await client.get("/blog").body
            #expect(before.contains("Post number 12"))
            #expect(try await client.get("/blog").body == before)

            try site.writePost("post-13", title: "Post number 13", date: "2026-03-13")
            _ = try ContentStore(database: LecternDatabase.open(path: site.databasePath)).sync(from: ContentLoader(root: site.content))
            let after = try await client.get("/blog").body
            #expect(after.contains("Post number 13"))
        }
    }

    @Test func concurrentViewsOfACachedPostAreAllCounted() async throws {
        try await makeApp(site).test(.router) { client in
            #expect(try await client.get("/blog/post-05").body.contains(">1 view<"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<50 { group.addTask { _ = try await client.get("/blog/post-05") } }
                try await group.waitForAll()
            }
            let body = try await client.get("/blog/post-05").body
            #expect(body.contains(">52 views<"), "\(body.components(separatedBy: "views<").first?.suffix(20) ?? "")")
            #expect(!body.contains(PageCache.viewsMarker))
        }
    }

    @Test func aSignedInVisitorNeverGetsTheSharedPage() async throws {
        try await makeApp(site).test(.router) { client in
            let anonymous = try await client.get("/").body
            #expect(anonymous.contains("Log in"))
            var browser = Browser()
            _ = try await browser.register(client, name: "Ada Lovelace", email: "ada@example.com")
            _ = try await browser.login(client, email: "ada@example.com")
            let signedIn = try await browser.get(client, "/").body
            #expect(signedIn.contains("Log out"))
            #expect(try await client.get("/").body.contains("Log in"))
        }
    }

    @Test func entriesExpireAndTheCacheStaysBounded() async throws {
        let cache = PageCache(lifetime: .milliseconds(100), capacity: 3)
        // Other tests write meanwhile (which rightly empties the cache), so a miss right after storing is allowed for.
        let generation = WriteGeneration.shared.current
        cache.store("/a", .init(generation: generation, rendered: .now, parts: ["a"], views: nil))
        #expect(cache.entry("/a")?.parts == ["a"] || WriteGeneration.shared.current != generation)
        try await Task.sleep(for: .milliseconds(150))
        #expect(cache.entry("/a") == nil)

        for key in ["/1", "/2", "/3", "/4"] {
            cache.store(key, .init(generation: WriteGeneration.shared.current, rendered: .now, parts: [key], views: nil))
        }
        #expect(cache.entry("/1") == nil)
    }
}
