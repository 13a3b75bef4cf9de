import Foundation
import LecternCore
import LecternServices
import LecternStore
import LecternTestSupport
import Testing

/// The `Accounts` service on its own, as the pages and the CLI both call it: its rules hold whoever the caller is.
@Suite final class AccountsServiceTests {
    let site: TestSite
    let accounts: Accounts
    let database: any SiteDatabase
    static let fast = Argon2Parameters(memoryKiB: 8192, iterations: 1, parallelism: 1)

    init() async throws {
        site = try TestSite()
        database = try await site.openDatabase()
        accounts = Accounts(
            database: database, hasher: ForegroundPasswordHasher(parameters: Self.fast), loginLimits: LoginLimits(perAccount: 3))
    }

    deinit { site.delete() }

    func register(_ email: String, role: User.Role = .learner) async throws -> User {
        guard
            case .created(let user) = try await accounts.createAccount(name: "Ada Lovelace", email: email, password: "correct horse battery", role: role)
        else { throw CancellationError() }
        return user
    }

    func problems(_ operation: () async throws -> Void) async throws -> AccountProblems? {
        do {
            try await operation()
            return nil
        } catch let problems as AccountProblems {
            return problems
        }
    }

    @Test func registrationNamesEveryFieldToFixAndMakesNothing() async throws {
        let found = try await problems {
            _ = try await accounts.signUp(name: " ", email: "not-an-address", password: "short", confirmation: "short", network: "n")
        }
        #expect(found?[.name] != nil)
        #expect(found?[.email] == "Enter an email address like name@example.com.")
        #expect(found?[.password]?.contains("12") == true)
        let mismatch = try await problems {
            _ = try await accounts.signUp(
                name: "Ada", email: "ada@example.com", password: "correct horse battery", confirmation: "correct horse", network: "n")
        }
        #expect(mismatch?.messages == [.passwordConfirmation: "The two passwords are not the same. Type the new password again."])
        #expect(try await accounts.account(email: EmailAddress("ada@example.com")) == nil)
    }

    @Test func aTakenAddressMakesNoSecondAccount() async throws {
        _ = try await register("ada@example.com")
        let again = try await accounts.signUp(
            name: "Someone Else", email: "ADA@example.com", password: "another long password", confirmation: "another long password", network: "n")
        guard case .taken(let address) = again else { Issue.record("a second account was made: \(again)"); return }
        #expect(address.key == "ada@example.com")
    }

    @Test func loginChecksThePasswordLimitsFailuresAndUpgradesWeakHashes() async throws {
        let ada = try await register("ada@example.com")
        let stronger = Accounts(database: database, hasher: ForegroundPasswordHasher(parameters: Argon2Parameters(memoryKiB: 9216, iterations: 1, parallelism: 1)))
        let signedIn = try #require(try await stronger.logIn(email: "ada@example.com", password: "correct horse battery", network: "n") { _, _ in nil })
        #expect(signedIn.user.id == ada.id)
        #expect(PasswordHash.parameters(of: signedIn.passwordHash)?.memoryKiB == 9216)

        for _ in 0..<3 { #expect(try await accounts.logIn(email: "ada@example.com", password: "wrong password", network: "n") { _, _ in nil } == nil) }
        await #expect(throws: AccountRefusal.self) {
            _ = try await self.accounts.logIn(email: "ada@example.com", password: "correct horse battery", network: "n") { _, _ in nil }
        }
        // A browser that signed in before has a budget of its own.
        #expect(try await accounts.logIn(email: "ada@example.com", password: "correct horse battery", network: "m") { _, _ in "device-1" } != nil)
        // A reset proves the mailbox and ends the account's lock.
        let token = try await accounts.resetLink(for: ada)
        #expect(try await accounts.resetPassword(token: token, password: "a brand new passphrase", confirmation: "a brand new passphrase") != nil)
        #expect(try await accounts.logIn(email: "ada@example.com", password: "a brand new passphrase", network: "m") { _, _ in nil } != nil)
    }

    @Test func aTokenNeverDoesMoreThanItsOwnerAndNeedsThePasswordOnTheSite() async throws {
        let ada = try await register("ada@example.com")
        let aboveRole = try await problems {
            _ = try await accounts.createToken(for: ada, name: "Sync", scope: .admin, expiresAt: nil, currentPassword: "correct horse battery")
        }
        #expect(aboveRole?.messages == [.tokenScope: "Only administrators can make admin tokens."], "the password is not even tried")
        let byOperator = try await problems {
            _ = try await Administration(database: database).issueToken(for: ada, name: "Sync", scope: .admin, expiresAt: nil)
        }
        #expect(byOperator?[.tokenScope] != nil, "nor may an operator give a learner an admin token")
        let wrongPassword = try await problems {
            _ = try await accounts.createToken(for: ada, name: "Sync", scope: .learn, expiresAt: nil, currentPassword: "not my password")
        }
        #expect(wrongPassword?.messages == [.currentPassword: "That is not your current password."])
        let made = try await accounts.createToken(for: ada, name: "Sync", scope: .learn, expiresAt: nil, currentPassword: "correct horse battery")
        #expect(try await accounts.tokens(of: ada).map(\.id) == [made.token.id])
        try await accounts.revokeToken(made.token.id, of: ada)
        let grace = try await register("grace@example.com")
        await #expect(throws: AccountRefusal.noSuchToken) { try await self.accounts.revokeToken(made.token.id, of: grace) }
    }

    @Test func anAddressChangeNeedsTheCurrentPasswordAndANewAddress() async throws {
        let ada = try await register("ada@example.com")
        let same = try await problems {
            _ = try await accounts.requestEmailChange(ada, to: "Ada@Example.com", currentPassword: "correct horse battery", network: "n")
        }
        #expect(same?[.email] == "That is already your address.")
        let noPassword = try await problems { _ = try await accounts.requestEmailChange(ada, to: "ada@new.example", currentPassword: "", network: "n") }
        #expect(noPassword?.messages == [.currentPassword: "Enter your current password."])
        let change = try await accounts.requestEmailChange(ada, to: "ada@new.example", currentPassword: "correct horse battery", network: "n")
        let token = try #require(change.token)
        #expect(try await accounts.confirmEmailChange(token: token, keeping: nil)?.user.email == "ada@new.example")
    }
}
