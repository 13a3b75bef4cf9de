import Foundation
import LecternCore

/// One-time password-reset tokens: at least 256 random bits, stored hashed, valid for an hour.
public protocol PasswordResetStore: Sendable {
    /// A new token for `userID`; earlier unused tokens of the user stop working.
    func create(userID: Int64, now: Date) async throws -> String

    /// The user a token may reset, if it is unused and not expired. Does not use it up.
    func user(forToken token: String, now: Date) async throws -> User?

    /// Uses the token up and sets the new password, ending every session of the user, all in one transaction.
    /// Returns nil when the token is unknown, used or expired (two tabs racing: only one wins).
    func reset(token: String, passwordHash: String, now: Date) async throws -> User?

    /// Deletes reset links, address changes and verification links that expired more than a day ago, used or not (the last day is kept
    /// for the per-address mail limits); returns how many.
    @discardableResult
    func prune(now: Date) async throws -> Int
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension PasswordResetStore {
    public func create(userID: Int64, now: Date = Date()) async throws -> String {
        try await self.create(userID: userID, now: now)
    }

    public func user(forToken token: String, now: Date = Date()) async throws -> User? {
        try await self.user(forToken: token, now: now)
    }

    public func reset(token: String, passwordHash: String, now: Date = Date()) async throws -> User? {
        try await self.reset(token: token, passwordHash: passwordHash, now: now)
    }

    @discardableResult
    public func prune(now: Date = Date()) async throws -> Int {
        try await self.prune(now: now)
    }
}
