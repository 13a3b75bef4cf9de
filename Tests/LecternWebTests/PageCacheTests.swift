import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
@testable import LecternStore
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
            _ = try await site.openDatabase().content.sync(from: ContentLoader(root: site.content))
            let after = try await client.get("/blog").body
            #expect(after.contains("Post number 13"))
        }
    }

    @Test func concurrentViewsOfACachedPostAreAllCounted() async throws {
        try await makeApp(site).test(.router) { client in
            // Distinct visitors (by user agent: every test request comes from one address).
            func visitor(_ index: Int) -> HTTPFields { [.userAgent: "Mozilla/5.0 (visitor \(index)) Firefox/130.0"] }
            #expect(try await client.get("/blog/post-05", headers: visitor(0)).body.contains(">1 view<"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 1...50 { group.addTask { _ = try await client.get("/blog/post-05", headers: visitor(index)) } }
                try await group.waitForAll()
            }
            let body = try await client.get("/blog/post-05", headers: visitor(51)).body
            #expect(body.contains(">52 views<"), "\(body.components(separatedBy: "views<").first?.suffix(20) ?? "")")
            #expect(!body.contains("\u{E000}"))
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

    /// A clock and a write generation the test moves by hand.
    final class TestTime: @unchecked Sendable {
        private let lock = NSLock()
        private var instant = ContinuousClock.now
        private var writes = 0
        var now: ContinuousClock.Instant { lock.withLock { instant } }
        var generation: Int { lock.withLock { writes } }
        func advance(_ duration: Duration) { lock.withLock { instant += duration } }
        func write() { lock.withLock { writes += 1 } }
    }

    @Test func entriesExpireWithTheLifetimeAndWithAnyWrite() {
        let time = TestTime()
        let cache = PageCache(lifetime: .milliseconds(100), now: { time.now }, generation: { time.generation })
        cache.store("/a", PageCache.Entry(generation: time.generation, rendered: time.now, parts: ["a"], views: nil))
        time.advance(.milliseconds(99))
        #expect(cache.entry("/a")?.parts == ["a"])
        time.advance(.milliseconds(2))
        #expect(cache.entry("/a") == nil)

        cache.store("/b", PageCache.Entry(generation: time.generation, rendered: time.now, parts: ["b"], views: nil))
        #expect(cache.entry("/b")?.parts == ["b"])
        time.write()
        #expect(cache.entry("/b") == nil)
    }

    /// Waits, without sleeping, until `count` requests wait for `key`.
    private func untilWaiting(_ count: Int, for key: String, in cache: PageCache) async {
        for _ in 0..<100_000 where cache.waiting(for: key) < count { await Task.yield() }
    }

    @Test func aBurstForAColdPageWaitsForOneRenderAndGetsIt() async {
        let time = TestTime()
        let cache = PageCache(lifetime: .seconds(60), now: { time.now }, generation: { time.generation })
        guard case .render = cache.lookup("/cold") else { Issue.record("the first request must render"); return }
        await withTaskGroup(of: String?.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    guard case .hit(let entry) = await cache.lookupWaiting("/cold") else { return nil }
                    return entry.parts[0]
                }
            }
            await untilWaiting(20, for: "/cold", in: cache)
            #expect(cache.waiting(for: "/cold") == 20)
            cache.store("/cold", PageCache.Entry(generation: time.generation, rendered: time.now, parts: ["page"], views: nil))
            var pages: [String?] = []
            for await page in group { pages.append(page) }
            #expect(pages == Array(repeating: "page", count: 20))
        }
    }

    @Test func whenARenderFailsTheWaitersRenderSideBySide() async {
        let time = TestTime()
        let cache = PageCache(lifetime: .seconds(60), now: { time.now }, generation: { time.generation })
        _ = cache.lookup("/cold")
        await withTaskGroup(of: String.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    switch await cache.lookupWaiting("/cold") {
                    case .render: "render"
                    case .hit: "hit"
                    case .wait: "wait"
                    }
                }
            }
            await untilWaiting(3, for: "/cold", in: cache)
            cache.abandon("/cold")
            var outcomes: [String] = []
            for await outcome in group { outcomes.append(outcome) }
            // None of them queues behind another (a page that is not kept, like a 404, would serialise them).
            #expect(outcomes == ["render", "render", "render"])
        }
    }

    @Test func aPageThatIsGoneLeavesTheCacheAtOnce() {
        let time = TestTime()
        let cache = PageCache(lifetime: .seconds(60), now: { time.now }, generation: { time.generation })
        cache.store("/blog/old", PageCache.Entry(generation: time.generation, rendered: time.now, parts: ["old"], views: nil))
        time.write()
        // Stale: the first request renders, the others get the old page meanwhile...
        guard case .render = cache.lookup("/blog/old") else { Issue.record("the stale page was not refreshed"); return }
        guard case .hit = cache.lookup("/blog/old") else { Issue.record("the old page was not sent meanwhile"); return }
        // ...until the render finds the post unpublished.
        cache.abandon("/blog/old", gone: true)
        guard case .render = cache.lookup("/blog/old") else { Issue.record("the unpublished page is still sent"); return }
    }

    @Test func theCacheIsBoundedInBytesAndEvictsTheLeastRecentlyUsed() {
        let page = String(repeating: "x", count: 10_000)
        // Its own clock and generation: other tests' writes must not empty it meanwhile.
        let time = TestTime()
        let cache = PageCache(lifetime: .seconds(60), budget: 50_000, now: { time.now }, generation: { time.generation })
        let generation = time.generation
        for key in ["/1", "/2", "/3", "/4"] {
            cache.store(key, PageCache.Entry(generation: generation, rendered: time.now, parts: [page], views: nil))
        }
        _ = cache.lookup("/1")  // read recently: kept
        cache.store("/5", PageCache.Entry(generation: generation, rendered: time.now, parts: [page], views: nil))
        cache.store("/6", PageCache.Entry(generation: generation, rendered: time.now, parts: [page], views: nil))
        #expect(cache.size <= 50_000)
        let kept = Set(["/1", "/2", "/3", "/4", "/5", "/6"].filter { key in
            if case .hit = cache.lookup(key) { return true }
            cache.abandon(key)
            return false
        })
        #expect(kept.contains("/1") && kept.contains("/6"))
        #expect(!kept.contains("/2"))
        // A page larger than a quarter of the budget is not kept at all.
        cache.store("/huge", PageCache.Entry(generation: generation, rendered: time.now, parts: [String(repeating: "y", count: 20_000)], views: nil))
        #expect(cache.entry("/huge") == nil)
    }

    @Test func madeUpQueryParametersShareOneEntryAndCannotGrowTheCache() async throws {
        try await makeApp(site).test(.router) { client in
            _ = try await client.get("/blog")
            for index in 0..<200 {
                let junk = String(repeating: "j", count: 2000) + "\(index)"
                #expect(try await client.get("/blog?junk=\(junk)").status == .ok)
                #expect(try await client.get("/?x=\(index)").status == .ok)
            }
            // The page's own parameter still makes its own page.
            let second = try await client.get("/blog?page=2&junk=1")
            #expect(second.body.contains("Post number 2"))
        }
    }

    @Test func theFeedAndTheSitemapAreCachedLikePages() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            let database = try await site.openDatabase()
            // Other tests in this process write meanwhile, which rightly ends cached pages: try until a quiet moment.
            for attempt in 0..<200 {
                let generation = WriteGeneration.shared.current
                let first = try await client.get("/feed.xml")
                #expect(first.headers[.contentType] == "application/atom+xml; charset=utf-8")
                #expect(first.headers[.cacheControl] == "public, max-age=300")
                // A change made behind the server's back (as another process would, within the lifetime) is not seen yet.
                try await database.raw.execute(raw: "UPDATE post SET title = 'Renamed \(attempt)' WHERE slug = 'post-12'")
                let second = try await client.get("/feed.xml?junk=\(attempt)")
                guard WriteGeneration.shared.current == generation else { continue }
                #expect(second.body == first.body)
                #expect(!second.body.contains("Renamed \(attempt)"))
                return
            }
            Issue.record("no quiet moment in 200 attempts")
        }
    }

    @Test func contentContainingAMarkerIsShownAsWritten() async throws {
        let body = "Old markers: \u{1}lectern-views\u{1}, \u{E000}views-x\u{E000}, \u{E001}0\u{E001}, \u{E001}1\u{E001} and \u{E001}AAAA.2\u{E001}."
        try site.writePost("marker", title: "Markers", body: body)
        let written = "\u{E000}views-x\u{E000}, \u{E001}0\u{E001}, \u{E001}1\u{E001} and \u{E001}AAAA.2\u{E001}."
        try await makeApp(site).test(.router) { client in
            let agent: HTTPFields = [.userAgent: "Mozilla/5.0 Firefox/130.0"]
            _ = try await client.get("/blog/marker", headers: agent)
            let page = try await client.get("/blog/marker", headers: [.userAgent: "Mozilla/5.0 Safari/17"]).body
            #expect(page.contains(">2 views<"))
            #expect(page.components(separatedBy: "views<").count == 2)
            #expect(page.contains(written))
            // Signed in, the page is a skeleton with the reader's name and token in it: the content still shows as written.
            var ada = Browser()
            _ = try await ada.register(client, name: "Ada Lovelace", email: "ada@example.com")
            _ = try await ada.login(client, email: "ada@example.com")
            for _ in 0..<2 {
                let signedIn = try await ada.get(client, "/blog/marker").body
                #expect(signedIn.contains(written))
                #expect(signedIn.contains(">3 views<"))  // a third browser, counted once
                #expect(signedIn.contains("Log out"))
            }
        }
    }

    @Test func signedInReadersShareOneSkeletonEachWithTheirOwnTokenAndTheExactCount() async throws {
        try await makeApp(site).test(.router) { client in
            var readers: [Browser] = []
            for index in 0..<3 {
                var reader = Browser()
                // Three people on three browsers: three views.
                reader.userAgent = "Mozilla/5.0 (reader \(index)) Firefox/130.0"
                _ = try await reader.register(client, name: "Reader \(index)", email: "reader\(index)@example.com")
                _ = try await reader.login(client, email: "reader\(index)@example.com")
                readers.append(reader)
            }
            var tokens: [String] = []
            for index in readers.indices { tokens.append(try await readers[index].get(client, "/account").csrf ?? "?") }
            var pages: [String] = []
            for index in readers.indices { pages.append(try await readers[index].get(client, "/blog/post-07").body) }
            for (index, page) in pages.enumerated() {
                #expect(page.contains(">\(index + 1) view\(index == 0 ? "" : "s")<"), "reader \(index)")
                for other in tokens.indices { #expect(page.contains(tokens[other]) == (other == index), "reader \(index), token \(other)") }
            }
            // The same page for each, but for the token and the count.
            let normalised = pages.enumerated().map { index, page in
                page.replacingOccurrences(of: tokens[index], with: "TOKEN")
                    .replacingOccurrences(of: #">[0-9]+ views?<"#, with: ">N views<", options: .regularExpression)
            }
            #expect(Set(normalised).count == 1)
        }
    }

    @Test func headRequestsBotsAndReloadsAreNotCountedAsViews() async throws {
        try await makeApp(site).test(.router) { client in
            let reader: HTTPFields = [.userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"]
            for _ in 0..<5 { _ = try await client.execute(uri: "/blog/post-03", method: .head, headers: reader) { _ in } }
            for agent in ["Googlebot/2.1", "curl/8.5.0", "", "Mozilla/5.0 (compatible; bingbot/2.0)"] {
                _ = try await client.get("/blog/post-03", headers: [.userAgent: agent])
            }
            // A HEAD marker sent by a client is not trusted.
            _ = try await client.get("/blog/post-03", headers: [HTTPField.Name("X-Lectern-Head")!: "1", .userAgent: "Mozilla/5.0 Other/1"])
            for _ in 0..<5 { _ = try await client.get("/blog/post-03", headers: reader) }
            let body = try await client.get("/blog/post-03", headers: reader).body
            #expect(body.contains(">2 views<"), "\(body.components(separatedBy: "views<").first?.suffix(20) ?? "")")
        }
    }
}
