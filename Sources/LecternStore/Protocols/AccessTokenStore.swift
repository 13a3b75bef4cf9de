import Foundation
import LecternCore

/// Personal access tokens: made by their owner on the account page or by an operator, stored as a hash, revoked
/// with the account (disabling it, or a password reset) or one by one.
public protocol AccessTokenStore: Sendable {
    /// A new token for `user`; returns it and its secret, which is never stored and cannot be shown again.
    func create(user: User, name: String, scope: TokenScope, expiresAt: Date?, now: Date) async throws -> (token: AccessTokenRecord, secret: String)

    /// The account's tokens, newest first; revoked and expired ones too, so the owner sees what happened to each.
    func list(userID: Int64) async throws -> [AccessTokenRecord]

    /// Every token with its owner's address, newest first, for the operator.
    func all() async throws -> [(token: AccessTokenRecord, email: String)]

    func token(id: Int64) async throws -> AccessTokenRecord?

    /// Revokes the token (only the owner's when `userID` is given). False when it was already revoked; nil when
    /// there is no such token (or it is someone else's: the two are not told apart).
    func revoke(id: Int64, userID: Int64?, now: Date) async throws -> Bool?

    /// The holder of an active token of an enabled account, or nil. The last use is written at most once a minute per
    /// token, so a busy client does not turn every read into a write.
    func holder(secret: String, now: Date) async throws -> TokenHolder?
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension AccessTokenStore {
    public func create(user: User, name: String, scope: TokenScope, expiresAt: Date? = nil, now: Date = Date()) async throws -> (token: AccessTokenRecord, secret: String) {
        try await self.create(user: user, name: name, scope: scope, expiresAt: expiresAt, now: now)
    }

    public func revoke(id: Int64, userID: Int64? = nil, now: Date = Date()) async throws -> Bool? {
        try await self.revoke(id: id, userID: userID, now: now)
    }

    public func holder(secret: String, now: Date = Date()) async throws -> TokenHolder? {
        try await self.holder(secret: secret, now: now)
    }
}
