import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import LecternWeb
import Testing

@Suite final class AccountTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
    }

    deinit { site.delete() }

    func database() async throws -> any SiteDatabase { try await site.openDatabase() }

    @Test func onlyAnAdministratorIsToldThatMailWaitsInTheOutbox() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            _ = try await try await site.openDatabase().users.create(
                email: try EmailAddress("admin@example.com"), name: "Admin", passwordHash: try PasswordHash.make("correct horse battery"), role: .admin, verified: true)
            var admin = Browser()
            _ = try await admin.login(client, email: "admin@example.com")
            #expect(try await admin.get(client, "/account").body.contains("messages wait in the outbox"))
            var learner = Browser()
            _ = try await learner.register(client, email: "ada@example.com")
            _ = try await learner.login(client, email: "ada@example.com")
            #expect(!(try await learner.get(client, "/account").body.contains("outbox")))
            #expect(!(try await client.get("/password/forgot").body.contains("outbox")))
        }
    }

    @Test func registerThenLogInAndSeeTheAccount() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            let registered = try await browser.register(client, email: "ada@example.com")
            // Registering signs in, on a session of its own, and says where the verification link went.
            #expect(registered.status == .seeOther)
            #expect(registered.location == "/dashboard")
            #expect(registered.headers[values: .setCookie].contains { $0.hasPrefix("lectern_session=") })
            let dashboard = try await browser.get(client, "/dashboard")
            #expect(dashboard.body.contains("Welcome! Your account is ready. Please confirm your address"))
            #expect(dashboard.body.contains("Please confirm your email address with the link we mailed you"))
            // The notice is shown once: it came from the server, not from the address.
            #expect(try await browser.get(client, "/dashboard").body.contains("Welcome! Your account is ready") == false)

            let loggedIn = try await browser.login(client, email: "ada@example.com")
            #expect(loggedIn.status == .seeOther)
            #expect(loggedIn.location == "/account")
            let setCookie = try #require(loggedIn.headers[.setCookie])
            #expect(setCookie.hasPrefix("lectern_session="))
            #expect(setCookie.contains("; Path=/"))
            #expect(setCookie.contains("; HttpOnly"))
            #expect(setCookie.contains("; SameSite=Lax"))
            #expect(!setCookie.contains("Secure"))
            #expect(loggedIn.headers[.cacheControl] == "no-store")

            let account = try await browser.get(client, "/account")
            #expect(account.status == .ok)
            #expect(account.headers[.cacheControl] == "no-store")
            #expect(account.body.contains("value=\"Ada Lovelace\""))
            #expect(account.body.contains("Chrome on Linux"))
            #expect(account.body.contains("Log out"))
        }
    }

    @Test func theAccountPageNeedsALogin() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            let page = try await browser.get(client, "/account")
            #expect(page.status == .seeOther)
            #expect(page.location == "/login?next=/account")
        }
    }

    @Test func registrationErrorsKeepWhatWasTypedButNeverThePassword() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            let page = try await browser.submit(
                client, form: "/register", to: "/register",
                [("name", "  "), ("email", "not-an-email"), ("password", "short pass1"), ("password_confirmation", "other")])
            #expect(page.status == .unprocessableContent)
            #expect(page.body.contains("value=\"not-an-email\""))
            #expect(page.body.contains("Enter your name"))
            #expect(page.body.contains("Enter an email address like name@example.com."))
            #expect(page.body.contains("Use at least 12 characters"))
            #expect(page.body.contains("aria-describedby=\"email-error\""))
            #expect(!page.body.contains("short pass1"))

            let mismatch = try await browser.submit(
                client, form: "/register", to: "/register",
                [("name", "Ada"), ("email", "ada@example.com"), ("password", "correct horse battery"), ("password_confirmation", "correct horse")])
            #expect(mismatch.status == .unprocessableContent)
            #expect(mismatch.body.contains("The two passwords are not the same"))

            let common = try await browser.register(client, email: "ada@example.com", password: "1qaz2wsx3edc")
            #expect(common.status == .unprocessableContent)
            #expect(common.body.contains("commonly used passwords"))
        }
    }

    /// Signing up signs in, so a taken address cannot be hidden (README, "Accounts"): the visitor is offered the login
    /// form with the address filled in, and the owner is told someone tried.
    @Test func aTakenAddressGetsTheLoginFormAndItsOwnerIsTold() async throws {
        try await makeApp(site).test(.router) { client in
            var first = Browser()
            let new = try await first.register(client, email: " Ada@Example.com ")
            #expect(new.status == .seeOther)
            var second = Browser()
            let taken = try await second.register(client, name: "Mallory", email: "ada@example.com", password: "another long password")
            #expect(taken.status == .ok)
            #expect(taken.body.contains("That address already has an account. Log in with its password"))
            #expect(taken.body.contains(#"action="/login""#))
            #expect(taken.body.contains(#"value="ada@example.com""#))
            #expect(!taken.body.contains("another long password"))
            #expect(second.cookie == nil)
            // The owner can still log in, and the address has one account.
            let login = try await second.login(client, email: "ADA@example.com")
            #expect(login.location == "/account")
        }
        let outbox = try await database().outbox
        let subjects = try await outbox.messages().map(\.subject)
        #expect(subjects.contains("Confirm your address for Lectern Academy"))
        #expect(subjects.contains("Someone tried to register with your address"))
    }

    @Test func aWrongPasswordAndAnUnknownEmailGetTheSameAnswer() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            _ = try await browser.register(client, email: "ada@example.com")
            let wrong = try await browser.login(client, email: "ada@example.com", password: "wrong horse battery")
            let unknown = try await browser.login(client, email: "nobody@example.com", password: "wrong horse battery")
            #expect(wrong.status == .unprocessableContent)
            #expect(unknown.status == .unprocessableContent)
            let message = "That email address and password do not match an account."
            #expect(wrong.body.contains(message) && unknown.body.contains(message))
            #expect(wrong.body.contains("value=\"ada@example.com\""))
            #expect(!wrong.body.contains("wrong horse battery"))
        }
    }

    @Test func loginGivesANewSessionIdAndThePreLoginIdDies() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            _ = try await browser.register(client, email: "ada@example.com")
            _ = try await browser.login(client, email: "ada@example.com")
            let before = try #require(browser.cookie)
            // Logging in again from a browser that has a session replaces that session.
            let account = try await browser.get(client, "/account")
            _ = try await browser.post(
                client, "/login", [("_csrf", account.csrf ?? ""), ("email", "ada@example.com"), ("password", "correct horse battery")])
            let after = try #require(browser.cookie)
            #expect(before != after)

            var replay = Browser(cookie: before)
            let page = try await replay.get(client, "/account")
            #expect(page.status == .seeOther)
        }
    }

    @Test func anIdTheClientInventedIsNeverAdopted() async throws {
        try await makeApp(site).test(.router) { client in
            var owner = Browser()
            _ = try await owner.register(client, email: "ada@example.com")
            let invented = "lectern_session=" + String(repeating: "A", count: 43)
            var browser = Browser(cookie: invented)
            let form = try await browser.get(client, "/login")
            _ = try await browser.post(
                client, "/login", [("_csrf", form.csrf ?? ""), ("email", "ada@example.com"), ("password", "correct horse battery")])
            #expect(browser.cookie != invented)  // logging in made a fresh session instead of adopting the id
            var attacker = Browser(cookie: invented)
            let result1 = try await attacker.get(client, "/account")
            #expect(result1.status == .seeOther)
        }
    }

    @Test func logoutDeletesTheSessionOnTheServer() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            _ = try await browser.register(client, email: "ada@example.com")
            _ = try await browser.login(client, email: "ada@example.com")
            let stolen = try #require(browser.cookie)
            let account = try await browser.get(client, "/account")
            let loggedOut = try await browser.post(client, "/logout", [("_csrf", account.csrf ?? "")])
            #expect(loggedOut.status == .seeOther)
            #expect(loggedOut.headers[.setCookie]?.contains("Max-Age=0") == true)
            var replay = Browser(cookie: stolen)
            let result2 = try await replay.get(client, "/account")
            #expect(result2.status == .seeOther)
        }
    }

    @Test func changingThePasswordEndsEveryOtherSession() async throws {
        try await makeApp(site).test(.router) { client in
            var laptop = Browser()
            var phone = Browser()
            _ = try await laptop.register(client, email: "ada@example.com")
            _ = try await laptop.login(client, email: "ada@example.com")
            _ = try await phone.login(client, email: "ada@example.com")
            let oldLaptop = laptop.cookie

            let wrongCurrent = try await laptop.submit(
                client, form: "/account", to: "/account/password",
                [
                    ("current_password", "not my password"), ("password", "a brand new passphrase"),
                    ("password_confirmation", "a brand new passphrase"),
                ])
            #expect(wrongCurrent.status == .unprocessableContent)
            #expect(wrongCurrent.body.contains("That is not your current password."))

            let changed = try await laptop.submit(
                client, form: "/account", to: "/account/password",
                [
                    ("current_password", "correct horse battery"), ("password", "a brand new passphrase"),
                    ("password_confirmation", "a brand new passphrase"),
                ])
            #expect(changed.location == "/account")
            #expect(try await laptop.get(client, "/account").body.contains("Your password has been changed."))
            #expect(laptop.cookie != oldLaptop)
            let result3 = try await laptop.get(client, "/account")
            #expect(result3.status == .ok)
            let result4 = try await phone.get(client, "/account")
            #expect(result4.status == .seeOther)
            var fresh = Browser()
            let result5 = try await fresh.login(client, email: "ada@example.com", password: "a brand new passphrase")
            #expect(result5.location == "/account")
        }
    }

    @Test func signOutEverywhereElseKeepsThisDevice() async throws {
        try await makeApp(site).test(.router) { client in
            var laptop = Browser()
            var phone = Browser()
            _ = try await laptop.register(client, email: "ada@example.com")
            _ = try await laptop.login(client, email: "ada@example.com")
            _ = try await phone.login(client, email: "ada@example.com")
            let account = try await laptop.get(client, "/account")
            #expect(account.body.contains("Sign out everywhere else"))
            let ended = try await laptop.post(client, "/account/sessions/end-others", [("_csrf", account.csrf ?? "")])
            #expect(ended.location == "/account")
            let result6 = try await laptop.get(client, "/account")
            #expect(result6.status == .ok)
            let result7 = try await phone.get(client, "/account")
            #expect(result7.status == .seeOther)
        }
    }

    @Test func theProfileFormChangesTheNameOnly() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            _ = try await browser.register(client, email: "ada@example.com")
            _ = try await browser.login(client, email: "ada@example.com")
            let saved = try await browser.submit(
                client, form: "/account", to: "/account/profile", [("name", "Ada King"), ("email", "mallory@example.com")])
            #expect(saved.location == "/account")
            let page = try await browser.get(client, "/account")
            #expect(page.body.contains("value=\"Ada King\""))
            #expect(page.body.contains("Your profile has been saved."))
            #expect(page.body.contains("<strong>ada@example.com</strong>"))
        }
    }

    @Test(arguments: ["//evil.example", "/%2F%2Fevil.example", "https://evil.example/", "/\\evil.example"])
    func loginNeverRedirectsOffTheSite(_ next: String) async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            _ = try await browser.register(client, email: "ada@example.com")
            let page = try await browser.login(client, email: "ada@example.com", next: next)
            #expect(page.location == "/account")
        }
    }

    @Test func loginReturnsToTheLocalPageItCameFrom() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            _ = try await browser.register(client, email: "ada@example.com")
            _ = try await browser.post(client, "/logout", [("_csrf", try await browser.get(client, "/").csrf ?? "")])
            let form = try await browser.get(client, "/login?next=/blog/post-01")
            #expect(form.body.contains("name=\"next\" value=\"/blog/post-01\""))
            let page = try await browser.login(client, email: "ada@example.com", next: "/blog/post-01")
            #expect(page.location == "/blog/post-01")
        }
    }

    @Test func aStrongerCostReHashesTheStoredPasswordAtLogin() async throws {
        let database = try await database()
        let weak = try PasswordHash.make("correct horse battery", parameters: Argon2Parameters(memoryKiB: 8192, iterations: 1, parallelism: 1))
        let user = try await database.users.create(email: try EmailAddress("ada@example.com"), name: "Ada", passwordHash: weak, verified: true)
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            let result9 = try await browser.login(client, email: "ada@example.com")
            #expect(result9.location == "/account")
        }
        let stored = try #require(try await database.users.passwordHash(userID: user.id))
        #expect(stored.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(PasswordHash.verify("correct horse battery", against: stored))
    }

    @Test func disablingAnAccountEndsItsSessions() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            _ = try await browser.register(client, email: "ada@example.com")
            _ = try await browser.login(client, email: "ada@example.com")
            let database = try await site.openDatabase()
            let user = try #require(try await database.users.credentials(for: try EmailAddress("ada@example.com"))?.user)
            try await database.users.setDisabled(userID: user.id, true)
            let result10 = try await browser.get(client, "/account")
            #expect(result10.status == .seeOther)
            let again = try await browser.login(client, email: "ada@example.com")
            #expect(again.body.contains("do not match an account"))
        }
    }

    @Test func sessionsSurviveARestart() async throws {
        let cookie = try await makeApp(site).test(.router) { client in
            var browser = Browser()
            _ = try await browser.register(client, email: "ada@example.com")
            _ = try await browser.login(client, email: "ada@example.com")
            return browser.cookie
        }
        try await makeApp(site).test(.router) { client in
            var browser = Browser(cookie: cookie)
            let result11 = try await browser.get(client, "/account")
            #expect(result11.status == .ok)
        }
    }

    @Test func secureSitesUseHostPrefixedSecureCookiesAndHSTS() async throws {
        var configuration = testConfiguration(site)
        configuration.secureCookies = true
        try await buildApplication(configuration).test(.router) { client in
            var browser = Browser()
            let form = try await browser.get(client, "/login")
            let formCookie = try #require(form.headers[.setCookie])
            #expect(formCookie.hasPrefix("__Host-lectern_form=") && formCookie.contains("; Secure"))
            _ = try await browser.register(client, email: "ada@example.com")
            let loggedIn = try await browser.login(client, email: "ada@example.com")
            let cookies = loggedIn.headers[values: .setCookie]
            #expect(cookies.contains { $0.hasPrefix("__Host-lectern_session=") && $0.contains("; Secure") })
            #expect(cookies.contains { $0.hasPrefix("__Host-lectern_device=") && $0.contains("; Secure") })
            #expect(form.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000; includeSubDomains")
        }
    }

    @Test func plainHTTPSitesSendNoHSTS() async throws {
        try await makeApp(site).test(.router) { client in
            let page = try await client.get("/")
            #expect(page.headers[HTTPField.Name("Strict-Transport-Security")!] == nil)
        }
    }
}
