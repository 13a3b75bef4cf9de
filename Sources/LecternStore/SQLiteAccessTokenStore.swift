import Foundation
import GRDB
import LecternCore

/// One personal access token as its owner and the operator see it (never the secret).
public struct AccessTokenRecord: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64
    public var name: String
    /// "lct_…x7Qa": enough to tell tokens apart.
    public var hint: String
    public var scope: TokenScope
    public var createdAt: Date
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public func isActive(at now: Date) -> Bool { revokedAt == nil && (expiresAt.map { $0 > now } ?? true) }

    /// "active", "expired" or "revoked".
    public func state(at now: Date) -> String {
        revokedAt != nil ? "revoked" : isActive(at: now) ? "active" : "expired"
    }
}

/// Who a request's token speaks for, and what it may do for them.
public struct TokenHolder: Sendable, Equatable {
    public var user: User
    public var token: AccessTokenRecord
    /// The token's scope, lowered to what the account may do today.
    public var scope: TokenScope
}

public enum AccessTokenError: Error, Equatable, Sendable {
    case invalidName
    /// An `admin` token for an account that is not an administrator.
    case scopeAboveRole
    case expiryInThePast
    case tooMany
}

/// `AccessTokenStore` in SQLite, through GRDB.
public struct SQLiteAccessTokenStore: AccessTokenStore {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    static let columns = "access_token.id, access_token.user_id, access_token.name, access_token.hint, access_token.scope, access_token.created_at, access_token.expires_at, access_token.last_used_at, access_token.revoked_at"

    /// A new token for `user`; returns it and its secret, which is never stored and cannot be shown again.
    public func create(
        user: User, name: String, scope: TokenScope, expiresAt: Date? = nil, now: Date = Date()
    ) async throws -> (token: AccessTokenRecord, secret: String) {
        let name = try AccessTokenError.checkedName(name, scope: scope, role: user.role, expiresAt: expiresAt, now: now)
        let secret = AccessToken.make()
        let hint = AccessToken.hint(of: secret)
        let id = try await database.write(changesPublicPages: false) { db -> Int64 in
            let active =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM access_token WHERE user_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
                    arguments: [user.id, now]) ?? 0
            guard active < AccessToken.maxActivePerAccount else { throw AccessTokenError.tooMany }
            try db.execute(
                sql: "INSERT INTO access_token (user_id, name, token_hash, hint, scope, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [user.id, name, SecretToken.hash(secret), hint, scope.rawValue, now, expiresAt])
            return db.lastInsertedRowID
        }
        let token = AccessTokenRecord(
            id: id, userID: user.id, name: name, hint: hint, scope: scope, createdAt: now, expiresAt: expiresAt, lastUsedAt: nil, revokedAt: nil)
        return (token, secret)
    }

    /// The account's tokens, newest first; revoked and expired ones too, so the owner sees what happened to each.
    public func list(userID: Int64) async throws -> [AccessTokenRecord] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM access_token WHERE user_id = ? ORDER BY id DESC", arguments: [userID])
                .map(AccessTokenRecord.init(row:))
        }
    }

    /// Every token with its owner's address, newest first, for the operator.
    public func all() async throws -> [(token: AccessTokenRecord, email: String)] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.columns), users.email FROM access_token JOIN users ON users.id = access_token.user_id ORDER BY access_token.id DESC"
            ).map { (AccessTokenRecord(row: $0), $0["email"]) }
        }
    }

    public func token(id: Int64) async throws -> AccessTokenRecord? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM access_token WHERE id = ?", arguments: [id]).map(AccessTokenRecord.init(row:))
        }
    }

    /// Revokes the token (only the owner's when `userID` is given). False when it was already revoked; nil when
    /// there is no such token (or it is someone else's: the two are not told apart).
    public func revoke(id: Int64, userID: Int64? = nil, now: Date = Date()) async throws -> Bool? {
        try await database.write(changesPublicPages: false) { db -> Bool? in
            guard
                let owner = try Int64.fetchOne(db, sql: "SELECT user_id FROM access_token WHERE id = ?", arguments: [id]),
                userID == nil || owner == userID
            else { return nil }
            try db.execute(sql: "UPDATE access_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id])
            return db.changesCount > 0
        }
    }

    /// The holder of an active token of an enabled account, or nil. The last use is written at most once a minute per
    /// token, so a busy client does not turn every read into a write.
    public func holder(secret: String, now: Date = Date()) async throws -> TokenHolder? {
        guard AccessToken.isWellFormed(secret) else { return nil }
        let hash = SecretToken.hash(secret)
        guard
            let (found, user) = try await database.readHere({ db -> (AccessTokenRecord, User)? in
                guard
                    let token = try Row.fetchOne(
                        db,
                        cachedSQL(
                            """
                            SELECT \(Self.columns) FROM access_token
                            WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
                            """, [hash, now])
                    ).map(AccessTokenRecord.init(row:)),
                    let user = try Row.fetchOne(
                        db, cachedSQL("SELECT \(SQLiteUserStore.columns) FROM users WHERE id = ? AND disabled_at IS NULL", [token.userID])
                    ).map(User.init(row:))
                else { return nil }
                return (token, user)
            })
        else { return nil }
        var token = found
        if token.needsUseNoted(at: now) {
            let id = token.id
            let minuteAgo = now.addingTimeInterval(-AccessTokenRecord.useNoteInterval)
            // Best effort: a read must not fail because the note of its use could not be written (a full disk, a busy
            // writer); and of requests racing in the same minute, only the first writes.
            do {
                try await database.write(changesPublicPages: false) { db in
                    try db.execute(
                        sql: "UPDATE access_token SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                        arguments: [now, id, minuteAgo])
                }
                token.lastUsedAt = now
            } catch {}
        }
        return TokenHolder(user: user, token: token, scope: token.scope.effective(for: user.role))
    }

    /// Ends every token of the account, in the caller's transaction (disabling it, resetting its password).
    static func revokeAll(userID: Int64, in db: Database, now: Date) throws {
        try db.execute(sql: "UPDATE access_token SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", arguments: [now, userID])
    }
}

extension AccessTokenRecord {
    init(row: Row) {
        self.init(
            id: row["id"], userID: row["user_id"], name: row["name"], hint: row["hint"], scope: TokenScope(rawValue: row["scope"]) ?? .read,
            createdAt: row["created_at"], expiresAt: row["expires_at"], lastUsedAt: row["last_used_at"], revokedAt: row["revoked_at"])
    }
}
