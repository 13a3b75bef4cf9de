import Foundation
import LecternCore

/// Accounts: creation, credentials and profile changes. Password changes end the user's sessions in the same transaction.
public protocol UserStore: Sendable {
    typealias AdministrationFailure = UserAdministrationFailure
    typealias Failure = UserStoreFailure
    func user(email: EmailAddress) async throws -> User?

    /// Accounts, newest first. `search` matches part of the email or the name, ignoring case.
    func list(role: User.Role?, search: String?, limit: Int) async throws -> [UserListing]

    /// Makes the account an administrator or a learner. Refuses to demote the last active administrator.
    func setRole(userID: Int64, _ role: User.Role, now: Date) async throws

    /// Deletes the account with its sessions, reset links, enrolments and lesson progress. Certificates stay
    /// verifiable (they carry the learner's name as issued) but no longer point at an account.
    func delete(userID: Int64) async throws -> UserDeletion

    /// A new account. `verified`: the address is known to be its owner's (an operator made the account); otherwise
    /// the owner proves it by following the link `EmailVerificationStore` mails.
    func create(email: EmailAddress, name: String, passwordHash: String, role: User.Role, verified: Bool, now: Date) async throws -> User

    /// The user and their stored hash, for checking a password.
    func credentials(for email: EmailAddress) async throws -> (user: User, passwordHash: String)?

    func user(id: Int64) async throws -> User?

    func passwordHash(userID: Int64) async throws -> String?

    /// Changes the name only: a new address goes through `EmailChangeStore`, which proves the new mailbox first.
    func updateName(userID: Int64, name: String, now: Date) async throws

    /// Sets a new password and ends every session and access token of the user, in one transaction.
    func setPassword(userID: Int64, passwordHash: String, now: Date) async throws

    /// Replaces a hash made with weaker parameters by one of the same password at today's cost; sessions stay.
    func upgradeHash(userID: Int64, from old: String, to new: String) async throws

    /// Disables or re-enables an account. Disabling ends, at once, its sessions, its reset links, its pending
    /// address change and its access tokens: none of them may outlive it, whatever happens after `enable`.
    func setDisabled(userID: Int64, _ disabled: Bool, now: Date) async throws
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension UserStore {
    public func list(role: User.Role? = nil, search: String? = nil, limit: Int = 1000) async throws -> [UserListing] {
        try await self.list(role: role, search: search, limit: limit)
    }

    public func setRole(userID: Int64, _ role: User.Role, now: Date = Date()) async throws {
        try await self.setRole(userID: userID, role, now: now)
    }

    public func create(email: EmailAddress, name: String, passwordHash: String, role: User.Role = .learner, verified: Bool, now: Date = Date()) async throws -> User {
        try await self.create(email: email, name: name, passwordHash: passwordHash, role: role, verified: verified, now: now)
    }

    public func updateName(userID: Int64, name: String, now: Date = Date()) async throws {
        try await self.updateName(userID: userID, name: name, now: now)
    }

    public func setPassword(userID: Int64, passwordHash: String, now: Date = Date()) async throws {
        try await self.setPassword(userID: userID, passwordHash: passwordHash, now: now)
    }

    public func setDisabled(userID: Int64, _ disabled: Bool, now: Date = Date()) async throws {
        try await self.setDisabled(userID: userID, disabled, now: now)
    }
}

public enum UserStoreFailure: Error, Sendable, Equatable {
    case emailTaken
}

public enum UserAdministrationFailure: Error, Sendable, Equatable {
    /// Demoting or deleting the last active administrator would leave nobody to run the site. (Disabling is always
    /// allowed: a compromised account must be stoppable at once.)
    case lastAdministrator
}
