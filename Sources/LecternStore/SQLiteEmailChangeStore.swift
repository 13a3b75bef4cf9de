import Foundation
import GRDB
import LecternCore

/// `EmailChangeStore` in SQLite, through GRDB.
public struct SQLiteEmailChangeStore: EmailChangeStore {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }



    /// A token to mail to `newEmail`, or nil when another account has that address (the caller answers the same
    /// either way and mails nothing). Earlier pending changes of the user stop working.
    public func request(userID: Int64, newEmail: EmailAddress, now: Date = Date()) async throws -> String? {
        let token = SecretToken.make()
        return try await database.write(changesPublicPages: false) { db -> String? in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE email_key = ? AND id <> ?", arguments: [newEmail.key, userID]) == true {
                return nil
            }
            try Self.cancel(userID: userID, in: db, now: now)
            try db.execute(
                sql: "INSERT INTO email_changes (token_hash, user_id, new_email, new_email_key, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [SecretToken.hash(token), userID, newEmail.value, newEmail.key, now, now.addingTimeInterval(LinkValidity.emailChange)])
            return token
        }
    }

    /// The address a pending change would set, if `token` is live.
    public func pendingAddress(forToken token: String, now: Date = Date()) async throws -> String? {
        try await database.pool.read { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT email_changes.new_email FROM email_changes JOIN users ON users.id = email_changes.user_id
                    WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? AND users.disabled_at IS NULL
                    """,
                arguments: [SecretToken.hash(token), now])
        }
    }

    /// Applies the change in one transaction: the new address, every outstanding reset link and pending change
    /// ended, and every session of the user ended but `keeping` (the browser that followed the link, if it is the
    /// user's). Nil when the token is unknown, used, expired or its account disabled.
    public func confirm(token: String, keeping sessionIDHash: String? = nil, now: Date = Date()) async throws -> Change? {
        try await database.write(changesPublicPages: false) { db -> Change? in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT email_changes.new_email, email_changes.new_email_key, \(SQLiteUserStore.columns)
                        FROM email_changes JOIN users ON users.id = email_changes.user_id
                        WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? AND users.disabled_at IS NULL
                        """,
                    arguments: [SecretToken.hash(token), now])
            else { return nil }
            var user = User(row: row)
            let newEmail: String = row["new_email"]
            let newKey: String = row["new_email_key"]
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE email_key = ? AND id <> ?", arguments: [newKey, user.id]) == true {
                throw Failure.emailTaken
            }
            try db.execute(
                sql: "UPDATE users SET email = ?, email_key = ?, updated_at = ? WHERE id = ?", arguments: [newEmail, newKey, now, user.id])
            // Following the link proved the new mailbox, so the address is verified (and held certificates are issued).
            _ = try SQLiteEmailVerificationStore.markVerified(db, userID: user.id, now: now)
            user.isEmailVerified = true
            try Self.cancel(userID: user.id, in: db, now: now)
            try db.execute(sql: "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", arguments: [now, user.id])
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?", arguments: [user.id, sessionIDHash ?? ""])
            let previous = user.email
            user.email = newEmail
            return Change(user: user, previousEmail: previous)
        }
    }

    /// Ends the user's pending changes (a password change or reset, or a disabled account, calls this).
    static func cancel(userID: Int64, in db: Database, now: Date) throws {
        try db.execute(sql: "UPDATE email_changes SET used_at = ? WHERE user_id = ? AND used_at IS NULL", arguments: [now, userID])
    }
}
