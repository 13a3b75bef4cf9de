import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import LecternWeb
import Testing

/// `/account/tokens`: a learner makes, sees and revokes their own access tokens.
@Suite final class AccessTokenPageTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
    }

    deinit { site.delete() }

    /// The secret shown on the page just answered.
    static func secret(in body: String) -> String? {
        guard let range = body.range(of: "id=\"new-token\" class=\"token-secret\" type=\"text\" value=\"") else { return nil }
        return String(body[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test func aLearnerMakesATokenSeesItsSecretOnceAndRevokesIt() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            #expect(try await client.get("/account/tokens").status == .seeOther, "signed out: to the login form")
            var ada = Browser()
            _ = try await ada.register(client, email: "ada@example.com")
            let page = try await ada.get(client, "/account/tokens")
            #expect(page.status == .ok)
            #expect(page.body.contains("You have no tokens yet."))
            #expect(!page.body.contains("value=\"admin\""), "a learner is not offered admin")
            #expect(try await ada.get(client, "/account").body.contains("href=\"/account/tokens\""))

            let made = try await ada.submit(
                client, form: "/account/tokens", to: "/account/tokens", [("name", "Progress dashboard"), ("scope", "learn"), ("expires", "30"), ("current_password", "correct horse battery")])
            #expect(made.status == .created)
            #expect(made.headers[.cacheControl] == "no-store")
            let secret = try #require(Self.secret(in: made.body))
            let database = try await site.openDatabase()
            let holder = try #require(try await database.accessTokens.holder(secret: secret))
            #expect(holder.scope == .learn && holder.user.email == "ada@example.com")
            let expiry = try #require(holder.token.expiresAt)
            #expect(abs(expiry.timeIntervalSinceNow - 30 * 86_400) < 120)

            let again = try await ada.get(client, "/account/tokens")
            #expect(!again.body.contains(secret), "shown once")
            #expect(again.body.contains("Progress dashboard") && again.body.contains(AccessToken.hint(of: secret)))

            var eve = Browser()
            _ = try await eve.register(client, email: "eve@example.com")
            let theirs = try await eve.submit(client, form: "/account/tokens", to: "/account/tokens/\(holder.token.id)/revoke", [])
            #expect(theirs.status == .notFound, "someone else's token")
            #expect(try await database.accessTokens.holder(secret: secret) != nil)

            let revoked = try await ada.submit(client, form: "/account/tokens", to: "/account/tokens/\(holder.token.id)/revoke", [])
            #expect(revoked.status == .seeOther)
            #expect(try await ada.get(client, "/account/tokens").body.contains("programs using it are refused from now on"))
            #expect(try await database.accessTokens.holder(secret: secret) == nil)
        }
    }

    @Test func aBadFormSaysWhatToFixAndMakesNothing() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            var ada = Browser()
            _ = try await ada.register(client, email: "ada@example.com")
            let empty = try await ada.submit(client, form: "/account/tokens", to: "/account/tokens", [("name", "  "), ("scope", "learn")])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.body.contains("Give the token a name"))
            let escalate = try await ada.submit(client, form: "/account/tokens", to: "/account/tokens", [("name", "Sneaky"), ("scope", "admin")])
            #expect(escalate.status == .unprocessableContent)
            #expect(escalate.body.contains("Only administrators can make admin tokens."))
            #expect(escalate.body.contains("value=\"Sneaky\""), "what was typed is kept")
            let unknown = try await ada.submit(client, form: "/account/tokens", to: "/account/tokens", [("name", "X"), ("scope", "root")])
            #expect(unknown.body.contains("Choose what the token may do."))
            // A token acts as the account for months: a session alone (a borrowed laptop) cannot make one.
            let noPassword = try await ada.submit(client, form: "/account/tokens", to: "/account/tokens", [("name", "Laptop"), ("scope", "read")])
            #expect(noPassword.status == .unprocessableContent && noPassword.body.contains("Enter your current password."))
            let wrong = try await ada.submit(
                client, form: "/account/tokens", to: "/account/tokens", [("name", "Laptop"), ("scope", "read"), ("current_password", "guess")])
            #expect(wrong.status == .unprocessableContent && wrong.body.contains("That is not your current password."))
            #expect(!wrong.body.contains("value=\"guess\""), "a password is never written back into the page")
            let database = try await site.openDatabase()
            #expect(try await database.accessTokens.all().isEmpty)
            // Forms without the page's token are refused, as everywhere.
            let forged = try await ada.post(client, "/account/tokens", [("name", "Forged"), ("scope", "read")])
            #expect(forged.status == .forbidden)
        }
    }
}
