import Foundation
import GRDB
import LecternCore
import LecternTestSupport
import Testing

@testable import LecternStore

/// Personal access tokens: a hash stored, a secret shown once, never more than the owner may do.
@Suite final class AccessTokenStoreTests {
    let site: TestSite
    let database: any SiteDatabase
    let tokens: AccessTokenStore

    init() async throws {
        site = try TestSite()
        database = try await TestBackend.open(site)
        tokens = database.accessTokens
    }

    deinit {
        TestBackend.release(database)
        site.delete()
    }

    func user(_ email: String = "ada@example.com", role: User.Role = .learner) async throws -> User {
        try await database.users.create(
            email: try EmailAddress(email), name: "Ada", passwordHash: "$argon2id$x", role: role, verified: true)
    }

    @Test func aTokenFindsItsHolderAndOnlyItsHashIsStored() async throws {
        let ada = try await user()
        let (token, secret) = try await tokens.create(user: ada, name: "  Progress\ndashboard ", scope: .read)
        #expect(token.name == "Progress dashboard")
        #expect(AccessToken.isWellFormed(secret) && token.hint == "lct_…" + secret.suffix(4))
        let holder = try #require(try await tokens.holder(secret: secret))
        #expect(holder.user.id == ada.id && holder.scope == .read)
        #expect(holder.token.lastUsedAt != nil)
        let stored = try await database.raw.strings(raw: "SELECT token_hash FROM access_token")
        #expect(stored == [SecretToken.hash(secret)])
        // One character changed (never to itself: a secret may end in "A").
        #expect(try await tokens.holder(secret: secret.dropLast() + (secret.hasSuffix("A") ? "B" : "A")) == nil)
        #expect(try await tokens.holder(secret: "Bearer " + secret) == nil)
    }

    @Test func revokedExpiredAndDisabledTokensFindNobody() async throws {
        let ada = try await user()
        let now = Date()
        let (expiring, expiringSecret) = try await tokens.create(user: ada, name: "Short", scope: .learn, expiresAt: now.addingTimeInterval(60))
        #expect(try await tokens.holder(secret: expiringSecret, now: now) != nil)
        #expect(try await tokens.holder(secret: expiringSecret, now: now.addingTimeInterval(61)) == nil)
        #expect(try await tokens.list(userID: ada.id).first { $0.id == expiring.id }?.state(at: now.addingTimeInterval(61)) == "expired")

        let (revoked, revokedSecret) = try await tokens.create(user: ada, name: "Revoked", scope: .read)
        #expect(try await tokens.revoke(id: revoked.id, userID: ada.id + 1) == nil, "someone else's token is not found")
        #expect(try await tokens.revoke(id: revoked.id, userID: ada.id) == true)
        #expect(try await tokens.revoke(id: revoked.id, userID: ada.id) == false)
        #expect(try await tokens.holder(secret: revokedSecret) == nil)

        let (_, kept) = try await tokens.create(user: ada, name: "Kept", scope: .read)
        try await database.users.setDisabled(userID: ada.id, true)
        try await database.users.setDisabled(userID: ada.id, false)
        #expect(try await tokens.holder(secret: kept) == nil, "disabling the account revoked it for good")
        await #expect(throws: AccessTokenError.expiryInThePast) {
            try await self.tokens.create(user: ada, name: "Late", scope: .read, expiresAt: now.addingTimeInterval(-1))
        }
    }

    @Test func aTokenNeverDoesMoreThanItsOwner() async throws {
        let ada = try await user()
        await #expect(throws: AccessTokenError.scopeAboveRole) { try await self.tokens.create(user: ada, name: "Escalate", scope: .admin) }
        _ = try await user("keeper@example.com", role: .admin)  // the site keeps an administrator when one is demoted
        let admin = try await user("root@example.com", role: .admin)
        let (_, secret) = try await tokens.create(user: admin, name: "Ops", scope: .admin)
        #expect(try await tokens.holder(secret: secret)?.scope == .admin)
        try await database.users.setRole(userID: admin.id, .learner)
        #expect(try await tokens.holder(secret: secret)?.scope == .learn, "demoted: the token acts as learn")
    }

    @Test func changingThePasswordRevokesEveryToken() async throws {
        let ada = try await user()
        let (_, secret) = try await tokens.create(user: ada, name: "Minted with a stolen session", scope: .learn)
        try await database.users.setPassword(userID: ada.id, passwordHash: "$argon2id$z")
        #expect(try await tokens.holder(secret: secret) == nil)
    }

    @Test func aPasswordResetRevokesEveryToken() async throws {
        let ada = try await user()
        let (_, secret) = try await tokens.create(user: ada, name: "Phone", scope: .learn)
        let resets = database.passwordResets
        let link = try await resets.create(userID: ada.id)
        #expect(try await resets.reset(token: link, passwordHash: "$argon2id$y") != nil)
        #expect(try await tokens.holder(secret: secret) == nil)
    }
}
