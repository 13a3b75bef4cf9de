import Foundation
import LecternCLI
import LecternCore
import LecternStore
import Testing

@Suite struct UserCommandTests {
    func sessions(_ site: CLISite) -> SessionStore {
        site.database.sessions(lifetime: SessionLifetime(idle: 3600, absolute: 86_400))
    }

    @Test func createFollowsThePasswordPolicyAndADryRunCreatesNobody() async throws {
        let site = try await CLISite()
        let weak = await site.lectern("user", "create", "a@example.com", "--name", "A", "--password-stdin", input: ["password1234"])
        #expect(weak.status == 1)
        #expect(weak.errors.hasPrefix("lectern: password refused:"))
        let dry = await site.lectern(
            "user", "create", "a@example.com", "--name", "A", "--password-stdin", "--dry-run", input: ["correct horse battery staple"])
        #expect(dry.status == 0)
        #expect(dry.output.contains("Would create learner a@example.com"))
        #expect(try await site.lectern("user", "list", "--json").array().isEmpty)
        let created = await site.lectern(
            "user", "create", "a@example.com", "--name", "A", "--password-stdin", "--json", input: ["correct horse battery staple"])
        let user = try #require(try created.object()["user"] as? [String: Any])
        #expect(user["email"] as? String == "a@example.com" && user["role"] as? String == "learner")
        let twin = await site.lectern("user", "create", "A@EXAMPLE.com", "--name", "B", "--password-stdin", input: ["correct horse battery staple"])
        #expect(twin.errors == "lectern: an account with the address A@example.com already exists\n")
    }

    @Test func listFiltersByRoleAndBySearchText() async throws {
        let site = try await CLISite()
        try await site.register("ada@example.com", name: "Ada Lovelace", admin: true)
        try await site.register("grace@example.com", name: "Grace Hopper")
        try await site.register("alan@example.org", name: "Alan 100%")
        let admins = try await site.lectern("user", "list", "--role", "admin", "--json").array()
        #expect(admins.map { $0["email"] as? String } == ["ada@example.com"])
        let hopper = try await site.lectern("user", "list", "--search", "HOPPER", "--json").array()
        #expect(hopper.map { $0["email"] as? String } == ["grace@example.com"])
        // LIKE wildcards in the search are taken literally.
        let percent = try await site.lectern("user", "list", "--search", "%", "--json").array()
        #expect(percent.map { $0["email"] as? String } == ["alan@example.org"])
        #expect(Set(admins[0].keys) == ["id", "email", "name", "role", "disabled", "email_verified", "created_at", "enrolments"])
        let badRole = await site.lectern("user", "list", "--role", "owner")
        #expect(badRole.errors == "lectern: --role must be learner or admin, not 'owner'\n")
        let table = await site.lectern("user", "list")
        #expect(table.output.hasPrefix("EMAIL"))
    }

    @Test func showListsSessionsEnrolmentsAndCertificates() async throws {
        let site = try await CLISite()
        let ada = try await site.register("ada@example.com", name: "Ada")
        _ = try await sessions(site).create(userID: ada.id, userAgent: "Firefox", clientAddress: "192.0.2.1")
        _ = await site.enrol("ada@example.com")
        let code = try #require(try await site.completeCourse(ada))
        let shown = try await site.lectern("user", "show", "ada@example.com", "--json").object()
        #expect((shown["sessions"] as? [[String: Any]])?.first?["address"] as? String == "192.0.2.1")
        #expect((shown["enrolments"] as? [[String: Any]])?.first?["percent"] as? Int == 100)
        #expect((shown["certificates"] as? [[String: Any]])?.first?["code"] as? String == code)
        let text = await site.lectern("user", "show", "ada@example.com")
        #expect(text.output.contains("Sessions: 1 active"))
        #expect(text.output.contains(code))
    }

    @Test func promoteAndDemoteButNeverTheLastAdministrator() async throws {
        let site = try await CLISite()
        try await site.register("ada@example.com", admin: true)
        try await site.register("grace@example.com")
        let last = await site.lectern("user", "demote", "ada@example.com")
        #expect(last.status == 1)
        #expect(last.errors.contains("only active administrator"))
        let promote = try await site.lectern("user", "promote", "grace@example.com", "--json").object()
        #expect((promote["user"] as? [String: Any])?["role"] as? String == "admin")
        #expect(await site.lectern("user", "promote", "grace@example.com").output.contains("already an administrator"))
        #expect(await site.lectern("user", "demote", "ada@example.com").status == 0)
        #expect(try await site.lectern("user", "list", "--role", "admin", "--json").array().count == 1)
    }

    @Test func disableEndsTheSessionsAtOnceAndEnableLetsTheUserBackIn() async throws {
        let site = try await CLISite()
        let ada = try await site.register("ada@example.com")
        let (id, _) = try await sessions(site).create(userID: ada.id, userAgent: "", clientAddress: "")
        #expect(try await sessions(site).find(id: id)?.user?.id == ada.id)

        let dry = await site.lectern("user", "disable", "ada@example.com", "--dry-run")
        #expect(dry.status == 0)
        #expect(try await sessions(site).find(id: id) != nil)

        #expect(await site.lectern("user", "disable", "ada@example.com").status == 0)
        #expect(try await sessions(site).find(id: id) == nil)
        #expect(try await site.database.users.user(id: ada.id)?.isDisabled == true)
        #expect(await site.lectern("user", "reset-link", "ada@example.com").errors.contains("is disabled"))
        #expect(await site.lectern("user", "enable", "ada@example.com").status == 0)
        #expect(try await site.database.users.user(id: ada.id)?.isDisabled == false)
        #expect(await site.lectern("user", "enable", "ada@example.com").output.contains("is already enabled; nothing to do"))
    }

    @Test func resetLinkPrintsAOneTimeLinkUnderTheBaseURL() async throws {
        let site = try await CLISite()
        let ada = try await site.register("ada@example.com")
        let run = await site.lectern("user", "reset-link", "ada@example.com", "--base-url", "https://academy.example/")
        #expect(run.status == 0)
        let link = run.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(link.hasPrefix("https://academy.example/password/reset/"))
        let token = String(link.split(separator: "/").last ?? "")
        #expect(try await site.database.passwordResets.user(forToken: token)?.id == ada.id)
        let json = try await site.lectern("user", "reset-link", "ada@example.com", "--base-url", "https://academy.example", "--json").object()
        #expect((json["link"] as? String)?.hasPrefix("https://academy.example/password/reset/") == true)
        // The newer link replaces the first.
        #expect(try await site.database.passwordResets.user(forToken: token) == nil)
        let bad = await site.lectern("user", "reset-link", "ada@example.com", "--base-url", "academy.example")
        #expect(bad.errors.contains("--base-url must be an absolute http:// or https:// address"))
    }

    @Test func deleteAsksForConfirmationAndKeepsCertificatesVerifiable() async throws {
        let site = try await CLISite()
        let ada = try await site.register("ada@example.com", name: "Ada Lovelace")
        _ = await site.enrol("ada@example.com")
        let code = try #require(try await site.completeCourse(ada))

        let scripted = await site.lectern("user", "delete", "ada@example.com")
        #expect(scripted.status == 1)
        #expect(scripted.errors.contains("add --yes"))
        let wrong = await site.lectern("user", "delete", "ada@example.com", input: ["yes"], interactive: true)
        #expect(wrong.status == 1)
        #expect(wrong.errors.contains("certificate will stay valid"))
        #expect(try await site.database.users.user(id: ada.id) != nil)

        let confirmed = await site.lectern("user", "delete", "ada@example.com", "--json", input: ["ada@example.com"], interactive: true)
        #expect(confirmed.status == 0, "\(confirmed.errors)")
        let deletion = try confirmed.object()
        #expect(deletion["enrolments_deleted"] as? Int == 1)
        #expect(deletion["lesson_completions_deleted"] as? Int == 2)
        #expect(deletion["certificates_kept"] as? Int == 1)
        #expect(try await site.database.users.user(id: ada.id) == nil)
        let certificate = try await site.database.enrolments.certificate(code: code)
        #expect(certificate?.learnerName == "Ada Lovelace")
        let listed = try await site.lectern("certificate", "list", "--json").array()
        #expect(listed.first?["email"] == nil)
        #expect(await site.lectern("user", "delete", "ada@example.com", "--yes").errors.contains("no account has the address"))
    }
}
