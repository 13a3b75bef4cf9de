import Foundation
import GRDB
import LecternCore

/// `UserStore` in SQLite, through GRDB.
public struct SQLiteUserStore: UserStore {
    public let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }


    static let columns = "users.id, users.email, users.name, users.role, users.disabled_at, users.created_at, users.email_verified_at"

    /// A new account. `verified`: the address is known to be its owner's (an operator made the account); otherwise
    /// the owner proves it by following the link `EmailVerificationStore` mails.
    public func create(
        email: EmailAddress, name: String, passwordHash: String, role: User.Role = .learner, verified: Bool, now: Date = Date()
    ) async throws -> User {
        try await database.write(changesPublicPages: false) { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE email_key = ?", arguments: [email.key]) == true {
                throw Failure.emailTaken
            }
            try db.execute(
                sql: """
                    INSERT INTO users (email, email_key, name, password_hash, role, created_at, updated_at, email_verified_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [email.value, email.key, name, passwordHash, role.rawValue, now, now, verified ? now : nil])
            var user = User(id: db.lastInsertedRowID, email: email.value, name: name, role: role, isDisabled: false, createdAt: now)
            user.isEmailVerified = verified
            return user
        }
    }

    /// The user and their stored hash, for checking a password.
    public func credentials(for email: EmailAddress) async throws -> (user: User, passwordHash: String)? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns), users.password_hash FROM users WHERE email_key = ?", arguments: [email.key])
                .map { (User(row: $0), $0["password_hash"]) }
        }
    }

    public func user(id: Int64) async throws -> User? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM users WHERE id = ?", arguments: [id]).map(User.init(row:))
        }
    }

    public func passwordHash(userID: Int64) async throws -> String? {
        try await database.pool.read { db in
            try String.fetchOne(db, sql: "SELECT password_hash FROM users WHERE id = ?", arguments: [userID])
        }
    }

    /// Changes the name only: a new address goes through `EmailChangeStore`, which proves the new mailbox first.
    public func updateName(userID: Int64, name: String, now: Date = Date()) async throws {
        try await database.write(changesPublicPages: false) { db in
            try db.execute(sql: "UPDATE users SET name = ?, updated_at = ? WHERE id = ?", arguments: [name, now, userID])
        }
    }

    /// Sets a new password and ends every session and access token of the user, in one transaction.
    public func setPassword(userID: Int64, passwordHash: String, now: Date = Date()) async throws {
        try await database.write(changesPublicPages: false) { db in
            try db.execute(sql: "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", arguments: [passwordHash, now, userID])
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [userID])
            try db.execute(sql: "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", arguments: [now, userID])
            try SQLiteEmailChangeStore.cancel(userID: userID, in: db, now: now)
            // Changing the password is what an owner does on suspecting a thief: a token minted with a stolen
            // session would otherwise outlive it.
            try SQLiteAccessTokenStore.revokeAll(userID: userID, in: db, now: now)
        }
    }

    /// Replaces a hash made with weaker parameters by one of the same password at today's cost; sessions stay.
    public func upgradeHash(userID: Int64, from old: String, to new: String) async throws {
        try await database.write(changesPublicPages: false) { db in
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?", arguments: [new, userID, old])
        }
    }

    /// Disables or re-enables an account. Disabling ends, at once, its sessions, its reset links, its pending
    /// address change and its access tokens: none of them may outlive it, whatever happens after `enable`.
    public func setDisabled(userID: Int64, _ disabled: Bool, now: Date = Date()) async throws {
        try await database.write(changesPublicPages: false) { db in
            try Self.setDisabled(userID: userID, disabled, in: db, now: now)
        }
    }

    static func setDisabled(userID: Int64, _ disabled: Bool, in db: Database, now: Date) throws {
        try db.execute(sql: "UPDATE users SET disabled_at = ?, updated_at = ? WHERE id = ?", arguments: [disabled ? now : nil, now, userID])
        guard disabled else { return }
        try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [userID])
        try db.execute(sql: "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", arguments: [now, userID])
        try SQLiteEmailChangeStore.cancel(userID: userID, in: db, now: now)
        try SQLiteAccessTokenStore.revokeAll(userID: userID, in: db, now: now)
    }
}

extension User {
    init(row: Row) {
        self.init(
            id: row["id"],
            email: row["email"],
            name: row["name"],
            role: User.Role(rawValue: row["role"]) ?? .learner,
            isDisabled: (row["disabled_at"] as Date?) != nil,
            createdAt: row["created_at"]
        )
        isEmailVerified = (row["email_verified_at"] as Date?) != nil
    }
}
