import Foundation
import GRDB
import LecternCore
import LecternTestSupport
import Testing

@testable import LecternStore

@Suite final class AccountSecurityStoreTests: StoreSuite {
    func user(_ email: String = "ada@example.com") async throws -> User {
        try await database.users.create(email: try EmailAddress(email), name: "Ada", passwordHash: "$argon2id$x", verified: true)
    }

    @Test func disablingEndsOutstandingResetLinksAndAddressChanges() async throws {
        let ada = try await user()
        let resets = database.passwordResets
        let changes = database.emailChanges
        let token = try await resets.create(userID: ada.id)
        let change = try #require(try await changes.request(userID: ada.id, newEmail: try EmailAddress("new@example.com")))
        try await database.users.setDisabled(userID: ada.id, true)
        try await database.users.setDisabled(userID: ada.id, false)
        #expect(try await resets.user(forToken: token) == nil)
        #expect(try await resets.reset(token: token, passwordHash: "$argon2id$y") == nil)
        #expect(try await changes.confirm(token: change) == nil)
    }

    @Test func aPasswordResetCancelsAPendingAddressChange() async throws {
        let ada = try await user()
        let changes = database.emailChanges
        let change = try #require(try await changes.request(userID: ada.id, newEmail: try EmailAddress("attacker@example.com")))
        let token = try await database.passwordResets.create(userID: ada.id)
        _ = try await database.passwordResets.reset(token: token, passwordHash: "$argon2id$y")
        #expect(try await changes.confirm(token: change) == nil)
        #expect(try await database.users.user(id: ada.id)?.email == "ada@example.com")
    }

    @Test func anAddressTakenMeanwhileIsNotStolen() async throws {
        let ada = try await user()
        let changes = database.emailChanges
        let change = try #require(try await changes.request(userID: ada.id, newEmail: try EmailAddress("grace@example.com")))
        _ = try await user("Grace@Example.com")
        await #expect(throws: EmailChangeStore.Failure.emailTaken) { try await changes.confirm(token: change) }
        #expect(try await changes.request(userID: ada.id, newEmail: try EmailAddress("GRACE@example.com")) == nil)
    }

    @Test func housekeepingDeletesExpiredLinksOldMailEntriesAndOldOutboxMessages() async throws {
        let ada = try await user()
        let long = Date().addingTimeInterval(-3 * 86_400)
        let resets = database.passwordResets
        _ = try await resets.create(userID: ada.id, now: long)
        _ = try await resets.create(userID: ada.id)
        let ledger = database.mailLedger
        #expect(try await ledger.claim(recipient: "ada@example.com", kind: "reset", limit: 3, window: 3600, now: long))
        #expect(try await ledger.claim(recipient: "ada@example.com", kind: "reset", limit: 3, window: 3600))
        let outbox = database.outbox
        try await outbox.add(recipient: "a@example.com", subject: "old", body: "", now: Date().addingTimeInterval(-40 * 86_400))
        try await outbox.add(recipient: "a@example.com", subject: "new", body: "")

        #expect(try await resets.prune() == 1)
        #expect(try await ledger.prune(olderThan: 86_400) == 1)
        #expect(try await outbox.prune(olderThan: 30 * 86_400) == 1)
        #expect(try await outbox.messages().map(\.subject) == ["new"])
    }

    @Test func theMailLedgerCountsPerAddressAndKindWithinTheWindow() async throws {
        let ledger = database.mailLedger
        let now = Date()
        for _ in 0..<3 { #expect(try await ledger.claim(recipient: "Ada@Example.com", kind: "reset", limit: 3, window: 3600, now: now)) }
        #expect(try await !ledger.claim(recipient: "ada@example.com ", kind: "reset", limit: 3, window: 3600, now: now))
        #expect(try await ledger.claim(recipient: "ada@example.com", kind: "welcome", limit: 3, window: 3600, now: now))
        #expect(try await ledger.claim(recipient: "ada@example.com", kind: "reset", limit: 3, window: 3600, now: now.addingTimeInterval(3601)))
    }

    @Test func oneNetworkCannotUseUpAnAddressOwnersAllowance() async throws {
        let ledger = database.mailLedger
        func claim(_ network: String) async throws -> Bool {
            try await ledger.claim(recipient: "ada@example.com", counters: [("reset from \(network)", 3), ("any", 10)], window: 3600)
        }
        for _ in 0..<3 { #expect(try await claim("203.0.113.7")) }
        #expect(try await !claim("203.0.113.7"))
        #expect(try await claim("198.51.100.1"))  // the owner, elsewhere, still gets a link
        for index in 0..<6 { _ = try await claim("192.0.2.\(index)") }
        #expect(try await !claim("192.0.2.200"))  // ten of any kind from anywhere: the mailbox is safe from many networks too
    }

    @Test func theMigrationReportsLookAlikeAddressesInsteadOfMergingThem() async throws {
        let path = site.folder.appendingPathComponent("old.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: "2026-11-25-source-stamps")
        try await queue.write { db in
            for (email, key) in [("jos\u{00E9}@example.com", "jos\u{00E9}@example.com"), ("jose\u{0301}@example.com", "jose\u{0301}@example.com"), ("Bo@EXAMPLE.com", "bo@example.com")] {
                try db.execute(
                    sql: "INSERT INTO users (email, email_key, name, password_hash, role, created_at, updated_at) VALUES (?, ?, 'x', 'h', 'learner', ?, ?)",
                    arguments: [email, key, Date(), Date()])
            }
        }
        try queue.close()
        let migrated = try LecternDatabase.open(path: path)
        let emails = try await migrated.pool.read { try String.fetchAll($0, sql: "SELECT email FROM users ORDER BY id") }
        #expect(emails.count == 3)  // nobody merged
        #expect(emails[2] == "Bo@example.com")  // normalised: no conflict
        let problems = try await migrated.check()
        #expect(problems.count == 1)
        #expect(problems.first?.contains("one address once normalised") == true)
        // Once the operator disables one of them, the check is clean.
        let ids = try await migrated.pool.read { try Int64.fetchAll($0, sql: "SELECT user_id FROM address_conflicts ORDER BY user_id") }
        try await migrated.users.setDisabled(userID: try #require(ids.last), true)
        #expect(try await migrated.check().isEmpty)
    }
}
