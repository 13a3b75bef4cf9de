import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import LecternWeb
import Testing

@Suite final class PasswordResetTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
    }

    deinit { site.delete() }

    /// The reset link of the newest message in the outbox (the test configuration sends mail before answering).
    static func latestLink(_ site: TestSite) async throws -> String? {
        let outbox = try await site.openDatabase().outbox
        guard let message = try await outbox.messages().first(where: { $0.subject.hasPrefix("Choose a new") }) else { return nil }
        return message.body.split(separator: "\n").first(where: { $0.contains("/password/reset/") }).map(String.init)
    }

    @Test func forgotPasswordAnswersTheSameForKnownAndUnknownAddresses() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            _ = try await browser.register(client, email: "ada@example.com")
            let known = try await browser.submit(client, form: "/password/forgot", to: "/password/forgot", [("email", "ada@example.com")])
            let unknown = try await browser.submit(client, form: "/password/forgot", to: "/password/forgot", [("email", "nobody@example.com")])
            #expect(known.status == .ok && unknown.status == .ok)
            #expect(known.body == unknown.body)
            #expect(known.body.contains("If an account uses that address"))
        }
    }

    @Test func theLinkUsesTheConfiguredAddressNotTheHostHeader() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            _ = try await browser.register(client, email: "ada@example.com")
            let form = try await browser.get(client, "/password/forgot")
            _ = try await browser.post(
                client, "/password/forgot", [("_csrf", form.csrf ?? ""), ("email", "ada@example.com")],
                headers: [HTTPField.Name("X-Forwarded-Host")!: "evil.example"])
            let link = try #require(try await Self.latestLink(site))
            #expect(link.hasPrefix("https://academy.example/password/reset/"))
            #expect(link.count == "https://academy.example/password/reset/".count + 43)
        }
    }

    @Test func aResetSetsThePasswordOnceAndEndsEverySession() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            var owner = Browser()
            _ = try await owner.register(client, email: "ada@example.com")
            _ = try await owner.login(client, email: "ada@example.com")
            var forgetful = Browser()
            _ = try await forgetful.submit(client, form: "/password/forgot", to: "/password/forgot", [("email", "ada@example.com")])
            let link = try #require(try await Self.latestLink(site))
            let resetPath = String(link.dropFirst("https://academy.example".count))

            let form = try await forgetful.get(client, resetPath)
            #expect(form.status == .ok)
            #expect(form.headers[.cacheControl] == "no-store")
            #expect(form.body.contains("For ada@example.com"))
            let tooShort = try await forgetful.post(
                client, resetPath, [("_csrf", form.csrf ?? ""), ("password", "short"), ("password_confirmation", "short")])
            #expect(tooShort.status == .unprocessableContent)
            let done = try await forgetful.post(
                client, resetPath,
                [("_csrf", form.csrf ?? ""), ("password", "a fresh new passphrase"), ("password_confirmation", "a fresh new passphrase")])
            #expect(done.location == "/login")

            let ended = try await owner.get(client, "/account")
            #expect(ended.status == .seeOther)
            let used = try await forgetful.get(client, resetPath)
            #expect(used.status == .notFound)
            #expect(used.body.contains("expired or has already been used"))
            var fresh = Browser()
            let login = try await fresh.login(client, email: "ada@example.com", password: "a fresh new passphrase")
            #expect(login.location == "/account")
        }
    }

    @Test func tokensExpireAfterAnHour() async throws {
        let database = try await site.openDatabase()
        let user = try await database.users.create(
            email: try EmailAddress("ada@example.com"), name: "Ada", passwordHash: try PasswordHash.make("correct horse battery"), verified: true)
        let resets = database.passwordResets
        let token = try await resets.create(userID: user.id, now: Date().addingTimeInterval(-3601))
        #expect(try await resets.user(forToken: token) == nil)
        let fresh = try await resets.create(userID: user.id)
        #expect(try await resets.user(forToken: fresh)?.id == user.id)
        #expect(try await resets.user(forToken: "made-up-token") == nil)
    }
}
