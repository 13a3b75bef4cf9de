import Foundation
import LecternCLI
import LecternCore
import LecternStore
import Testing

/// `lectern token create|list|revoke`, as an operator would run them.
@Suite struct TokenCommandTests {
    @Test func createPrintsTheSecretOnceAndListShowsOnlyAHint() async throws {
        let site = try await CLISite()
        try await site.register("ada@example.com")
        let made = await site.lectern("token", "create", "ada@example.com", "--scope", "learn", "--name", "Phone app")
        #expect(made.status == 0, "\(made.errors)")
        let secret = made.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(AccessToken.isWellFormed(secret), "standard output is the secret alone: \(made.output)")
        #expect(made.errors.contains("Created token 1 (learn) for ada@example.com, without an expiry date."))
        #expect(made.errors.contains("cannot be shown again"))
        #expect(try await site.database.accessTokens.holder(secret: secret)?.scope == .learn)

        let listed = await site.lectern("token", "list")
        #expect(listed.output.contains("Phone app") && listed.output.contains("active") && !listed.output.contains(secret), "\(listed.output)")
        let json = try await site.lectern("token", "list", "ada@example.com", "--json").array()
        #expect(json.first?["hint"] as? String == AccessToken.hint(of: secret))
        #expect(json.first?["state"] as? String == "active")

        #expect(await site.lectern("token", "revoke", "1").output == "Revoked token 1.\n")
        #expect(await site.lectern("token", "revoke", "1").output == "Token 1 is already revoked; nothing to do.\n")
        #expect(try await site.database.accessTokens.holder(secret: secret) == nil)
    }

    @Test func badInputIsAClearErrorAndMakesNothing() async throws {
        let site = try await CLISite()
        try await site.register("ada@example.com")
        let admin = await site.lectern("token", "create", "ada@example.com", "--scope", "admin")
        #expect(admin.status == 1)
        #expect(admin.errors.contains("is not an administrator"))
        let scope = await site.lectern("token", "create", "ada@example.com", "--scope", "root")
        #expect(scope.status != 0 && scope.errors.contains("root"))
        let date = await site.lectern("token", "create", "ada@example.com", "--scope", "read", "--expires", "soon")
        #expect(date.status != 0 && date.errors.contains("--expires must be a date"))
        let past = await site.lectern("token", "create", "ada@example.com", "--scope", "read", "--expires", "2020-01-01", "--json")
        #expect(past.status == 1 && past.errors.contains("\"error\":\"--expires is in the past\""), "\(past.errors)")
        #expect(await site.lectern("token", "create", "nobody@example.com", "--scope", "read").errors.contains("no account has the address"))
        #expect(await site.lectern("token", "revoke", "99").errors.contains("no token has the id 99"))
        #expect(try await site.lectern("token", "list", "--json").array().isEmpty)
        let dry = await site.lectern("token", "create", "ada@example.com", "--scope", "read", "--dry-run")
        #expect(dry.status == 0 && dry.errors.contains("Would create"))
        #expect(try await site.lectern("token", "list", "--json").array().isEmpty)
    }
}
