import Foundation
import GRDB
import LecternCore

/// `PasswordResetStore` in SQLite, through GRDB.
public struct SQLitePasswordResetStore: PasswordResetStore {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    /// A new token for `userID`; earlier unused tokens of the user stop working.
    public func create(userID: Int64, now: Date = Date()) async throws -> String {
        let token = SecretToken.make()
        try await database.write(changesPublicPages: false) { db in
            try db.execute(sql: "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", arguments: [now, userID])
            try db.execute(
                sql: "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [SecretToken.hash(token), userID, now, now.addingTimeInterval(LinkValidity.passwordReset)])
        }
        return token
    }

    /// The user a token may reset, if it is unused and not expired. Does not use it up.
    public func user(forToken token: String, now: Date = Date()) async throws -> User? {
        try await database.pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT \(SQLiteUserStore.columns) FROM password_resets JOIN users ON users.id = password_resets.user_id
                    WHERE password_resets.token_hash = ? AND password_resets.used_at IS NULL AND password_resets.expires_at > ?
                        AND users.disabled_at IS NULL
                    """,
                arguments: [SecretToken.hash(token), now]
            ).map(User.init(row:))
        }
    }

    /// Uses the token up and sets the new password, ending every session of the user, all in one transaction.
    /// Returns nil when the token is unknown, used or expired (two tabs racing: only one wins).
    public func reset(token: String, passwordHash: String, now: Date = Date()) async throws -> User? {
        try await database.write(changesPublicPages: false) { db in
            let tokenHash = SecretToken.hash(token)
            guard
                let user = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT \(SQLiteUserStore.columns) FROM password_resets JOIN users ON users.id = password_resets.user_id
                        WHERE password_resets.token_hash = ? AND password_resets.used_at IS NULL AND password_resets.expires_at > ?
                            AND users.disabled_at IS NULL
                        """,
                    arguments: [tokenHash, now]
                ).map(User.init(row:))
            else { return nil }
            try db.execute(sql: "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", arguments: [passwordHash, now, user.id])
            try db.execute(sql: "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", arguments: [now, user.id])
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [user.id])
            try SQLiteEmailChangeStore.cancel(userID: user.id, in: db, now: now)
            // A reset is how an owner takes an account back: whatever a thief made with it (sessions, tokens) ends.
            try SQLiteAccessTokenStore.revokeAll(userID: user.id, in: db, now: now)
            // The link reached its owner through this address: that proves it, as the verification link would have.
            _ = try SQLiteEmailVerificationStore.markVerified(db, userID: user.id, now: now)
            return user
        }
    }

    /// Deletes reset links, address changes and verification links that expired more than a day ago, used or not (the last day is kept
    /// for the per-address mail limits); returns how many.
    @discardableResult
    public func prune(now: Date = Date()) async throws -> Int {
        try await database.write(changesPublicPages: false) { db in
            let cutoff = now.addingTimeInterval(-LinkValidity.keptAfterExpiry)
            try db.execute(sql: "DELETE FROM password_resets WHERE expires_at < ?", arguments: [cutoff])
            let resets = db.changesCount
            try db.execute(sql: "DELETE FROM email_changes WHERE expires_at < ?", arguments: [cutoff])
            let changes = db.changesCount
            try db.execute(sql: "DELETE FROM email_verification WHERE expires_at < ?", arguments: [cutoff])
            return resets + changes + db.changesCount
        }
    }
}
