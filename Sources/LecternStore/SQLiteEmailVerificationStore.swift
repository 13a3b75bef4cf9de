import Foundation
import GRDB
import LecternCore

/// `EmailVerificationStore` in SQLite, through GRDB.
public struct SQLiteEmailVerificationStore: EmailVerificationStore {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    /// A new link token for the account's current address; earlier unused links of the account stop working.
    /// Nil when the address is already verified (nothing to send).
    public func create(userID: Int64, now: Date = Date()) async throws -> String? {
        let token = SecretToken.make()
        return try await database.write(changesPublicPages: false) { db -> String? in
            guard let row = try Row.fetchOne(db, sql: "SELECT email_key, email_verified_at FROM users WHERE id = ?", arguments: [userID]),
                (row["email_verified_at"] as Date?) == nil
            else { return nil }
            try db.execute(sql: "UPDATE email_verification SET used_at = ? WHERE user_id = ? AND used_at IS NULL", arguments: [now, userID])
            try db.execute(
                sql: "INSERT INTO email_verification (token_hash, user_id, email_key, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [SecretToken.hash(token), userID, row["email_key"] as String, now, now.addingTimeInterval(LinkValidity.emailVerification)])
            return token
        }
    }

    /// The address a link would verify, if it is unused, unexpired and still the account's address. Does not use it up.
    public func pendingAddress(forToken token: String, now: Date = Date()) async throws -> String? {
        try await database.pool.read { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT users.email FROM email_verification JOIN users ON users.id = email_verification.user_id
                    WHERE email_verification.token_hash = ? AND email_verification.used_at IS NULL AND email_verification.expires_at > ?
                        AND users.email_key = email_verification.email_key AND users.disabled_at IS NULL
                    """, arguments: [SecretToken.hash(token), now])
        }
    }

    /// Uses the link up and marks the address verified, issuing held certificates, in one transaction. Returns the
    /// account, or nil when the link is unknown, used, expired or for an address the account no longer has.
    public func verify(token: String, now: Date = Date()) async throws -> User? {
        try await database.write { db -> User? in
            guard
                let userID = try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT users.id FROM email_verification JOIN users ON users.id = email_verification.user_id
                        WHERE email_verification.token_hash = ? AND email_verification.used_at IS NULL AND email_verification.expires_at > ?
                            AND users.email_key = email_verification.email_key AND users.disabled_at IS NULL
                        """, arguments: [SecretToken.hash(token), now])
            else { return nil }
            return try Self.markVerified(db, userID: userID, now: now)
        }
    }

    /// The operator's `lectern user verify`: marks the address verified without a link. Returns false when it already was.
    @discardableResult
    public func verify(userID: Int64, now: Date = Date()) async throws -> Bool {
        try await database.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT email_verified_at IS NULL FROM users WHERE id = ?", arguments: [userID]) == true else {
                return false
            }
            _ = try Self.markVerified(db, userID: userID, now: now)
            return true
        }
    }

    /// Marks the address verified, ends its outstanding links and issues each certificate the learner earned meanwhile.
    static func markVerified(_ db: Database, userID: Int64, now: Date) throws -> User? {
        try db.execute(sql: "UPDATE users SET email_verified_at = coalesce(email_verified_at, ?) WHERE id = ?", arguments: [now, userID])
        try db.execute(sql: "UPDATE email_verification SET used_at = ? WHERE user_id = ? AND used_at IS NULL", arguments: [now, userID])
        guard let user = try Row.fetchOne(db, sql: "SELECT \(SQLiteUserStore.columns) FROM users WHERE id = ?", arguments: [userID]).map(User.init(row:))
        else { return nil }
        for courseID in try Int64.fetchAll(db, sql: "SELECT course_id FROM enrolment WHERE user_id = ?", arguments: [userID]) {
            _ = try SQLiteEnrolmentStore.issueIfDue(db, userID: userID, courseID: courseID, learnerName: user.name, now: now)
        }
        return user
    }

    /// Whether the account's address is verified; mail other than account mail goes only to verified addresses.
    public func isVerified(email: String) async throws -> Bool {
        try await database.pool.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT email_verified_at IS NOT NULL FROM users WHERE email_key = ?", arguments: [EmailAddress.key(email)]) ?? false
        }
    }
}
