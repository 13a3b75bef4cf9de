import Foundation
import LecternCore

/// Proof that an address is its owner's: a single-use link mailed to it, valid for 48 hours. Following it (or an
/// operator's `lectern user verify`) marks the account verified and issues any certificate held back meanwhile.
public protocol EmailVerificationStore: Sendable {
    /// A new link token for the account's current address; earlier unused links of the account stop working.
    /// Nil when the address is already verified (nothing to send).
    func create(userID: Int64, now: Date) async throws -> String?

    /// The address a link would verify, if it is unused, unexpired and still the account's address. Does not use it up.
    func pendingAddress(forToken token: String, now: Date) async throws -> String?

    /// Uses the link up and marks the address verified, issuing held certificates, in one transaction. Returns the
    /// account, or nil when the link is unknown, used, expired or for an address the account no longer has.
    func verify(token: String, now: Date) async throws -> User?

    /// The operator's `lectern user verify`: marks the address verified without a link. Returns false when it already was.
    @discardableResult
    func verify(userID: Int64, now: Date) async throws -> Bool

    /// Whether the account's address is verified; mail other than account mail goes only to verified addresses.
    func isVerified(email: String) async throws -> Bool
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension EmailVerificationStore {
    public func create(userID: Int64, now: Date = Date()) async throws -> String? {
        try await self.create(userID: userID, now: now)
    }

    public func pendingAddress(forToken token: String, now: Date = Date()) async throws -> String? {
        try await self.pendingAddress(forToken: token, now: now)
    }

    public func verify(token: String, now: Date = Date()) async throws -> User? {
        try await self.verify(token: token, now: now)
    }

    @discardableResult
    public func verify(userID: Int64, now: Date = Date()) async throws -> Bool {
        try await self.verify(userID: userID, now: now)
    }
}
