import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternServices
import LecternTestSupport
@testable import LecternWeb
import Testing

@Suite final class AbuseResistanceTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
    }

    deinit { site.delete() }

    @Test func aPostWithoutTheTokenIsRefusedWithAnExplanation() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            _ = try await browser.get(client, "/login")
            let missing = try await browser.post(client, "/login", [("email", "ada@example.com"), ("password", "correct horse battery")])
            #expect(missing.status == .forbidden)
            #expect(missing.body.contains("This form has expired or was not sent from this site."))
            let wrong = try await browser.post(client, "/login", [("_csrf", SecretToken.make()), ("email", "a@example.com"), ("password", "x")])
            #expect(wrong.status == .forbidden)
            var noSession = Browser()
            let stranger = try await noSession.post(client, "/register", [("_csrf", "anything"), ("email", "a@example.com")])
            #expect(stranger.status == .forbidden)
            #expect(stranger.body.contains("Your session has expired"))
        }
    }

    @Test(arguments: [("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Site", "same-site"), ("Origin", "null")])
    func crossSiteRequestsAreRefusedEvenWithAValidToken(_ header: (String, String)) async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            let form = try await browser.get(client, "/login")
            let page = try await browser.post(
                client, "/login", [("_csrf", form.csrf ?? ""), ("email", "a@example.com"), ("password", "correct horse battery")],
                headers: [HTTPField.Name(header.0)!: header.1])
            #expect(page.status == .forbidden)
            #expect(page.body.contains("came from another website"))
        }
    }

    @Test func sameOriginRequestsAreAccepted() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            let form = try await browser.get(client, "/login")
            let page = try await browser.post(
                client, "/login", [("_csrf", form.csrf ?? ""), ("email", "a@example.com"), ("password", "correct horse battery")],
                headers: [HTTPField.Name("Origin")!: "https://academy.example", HTTPField.Name("Sec-Fetch-Site")!: "same-origin"])
            #expect(page.status == .unprocessableContent)  // reached the login check
        }
    }

    @Test func theOperatorCanAllowMoreFailuresFromOneSharedAddress() async throws {
        var configuration = testConfiguration(site)
        configuration.loginLimits = LoginLimits(perAccount: 50, perAddress: 8)
        try await buildApplication(configuration).test(.router) { client in
            var browser = Browser()
            _ = try await browser.register(client, email: "ada@example.com")
            for attempt in 1...8 {
                let failed = try await browser.login(client, email: "learner\(attempt)@example.com", password: "wrong horse battery")
                #expect(failed.status == .unprocessableContent)
            }
            // The ninth failure from the same address is one too many, even for a real account with the right password.
            let throttled = try await browser.login(client, email: "ada@example.com")
            #expect(throttled.status == .tooManyRequests)
        }
    }

    @Test func repeatedFailuresForOneAccountAreThrottledWithoutAPermanentLock() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            _ = try await browser.register(client, email: "ada@example.com")
            for _ in 0..<5 {
                let failed = try await browser.login(client, email: "ada@example.com", password: "wrong horse battery")
                #expect(failed.status == .unprocessableContent)
            }
            let throttled = try await browser.login(client, email: "ada@example.com")
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.body.contains("Too many failed attempts. Wait 15 minutes"))
            let retryAfter = try #require(throttled.headers[.retryAfter].flatMap(Int.init))
            #expect(retryAfter > 0 && retryAfter <= 900)
            // Another account is not affected.
            var other = Browser()
            _ = try await other.register(client, email: "grace@example.com")
            let fine = try await other.login(client, email: "grace@example.com")
            #expect(fine.location == "/account")
        }
    }

    @Test func formsOverTheLimitGetA413Page() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            let form = try await browser.get(client, "/register")
            let page = try await browser.post(client, "/register", [("_csrf", form.csrf ?? ""), ("name", String(repeating: "x", count: FormFields.maxBytes + 1))])
            #expect(page.status == .contentTooLarge)
            #expect(page.body.contains("class=\"site-header\""))
        }
    }

    @Test func pagesThatSetACookieAreNeverCached() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            let form = try await browser.get(client, "/register")
            #expect(form.headers[.setCookie] != nil)
            #expect(form.headers[.cacheControl] == "no-store")
            // Anyone with a session may see a CSRF token or their name on any page: never cached either.
            _ = try await browser.register(client, email: "ada@example.com")
            _ = try await browser.login(client, email: "ada@example.com")
            let withSession = try await browser.get(client, "/blog/post-01")
            #expect(withSession.headers[.cacheControl] == "no-store")
            var stranger = Browser()
            let anonymousPost = try await stranger.get(client, "/blog/post-01")
            #expect(anonymousPost.headers[.setCookie] == nil)
            #expect(anonymousPost.headers[.cacheControl] == nil)
        }
    }

    @Test func pagesKeepAnsweringWhileTwentyLoginsHash() async throws {
        var configuration = testConfiguration(site)
        // A cost high enough that twenty hashes take far longer than serving a page.
        configuration.argon2 = Argon2Parameters(memoryKiB: 65_536, iterations: 3, parallelism: 1)
        // Requests run concurrently in router tests (the live test client has a single, pipelined connection).
        try await buildApplication(configuration).test(.router) { client in
            var owner = Browser()
            _ = try await owner.register(client, email: "ada@example.com")
            // Counted, not timed: the pages must not wait for the hashes, however slow the machine is today.
            let finished = LoginCount()
            // Each login says when its form is loaded and its POST is about to go: the reader starts once all have.
            let (posting, postingNow) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        var browser = Browser()
                        let form = try await browser.get(client, "/login")
                        postingNow.yield()
                        _ = try await browser.post(
                            client, "/login", [("_csrf", form.csrf ?? ""), ("email", "ada@example.com"), ("password", "correct horse battery")])
                        await finished.add()
                    }
                }
                // While those hash, pages are served.
                var ready = 0
                for await _ in posting {
                    ready += 1
                    if ready == 20 { break }
                }
                var reader = Browser()
                for _ in 0..<5 {
                    let page = try await reader.get(client, "/blog/post-01")
                    #expect(page.status == .ok)
                }
                let loginsDone = await finished.count
                #expect(loginsDone < 20, "the pages were served while logins were still hashing (\(loginsDone) of 20 done)")
                try await group.waitForAll()
            }
            #expect(await finished.count == 20)
        }
    }
}

/// How many of a test's logins have been answered.
private actor LoginCount {
    private(set) var count = 0
    func add() { count += 1 }
}
