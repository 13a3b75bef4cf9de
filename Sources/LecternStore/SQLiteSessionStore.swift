import Foundation
import GRDB
import LecternCore

/// How long sessions live: `idle` without a request, `absolute` after they were created, whatever happens.
public struct SessionLifetime: Sendable, Equatable {
    public var idle: TimeInterval
    public var absolute: TimeInterval
    /// Sessions nobody has logged in to only carry a form's CSRF token; they go much sooner, so crawlers opening
    /// the login page cannot fill the table.
    public var anonymousIdle: TimeInterval

    public init(idle: TimeInterval = 2 * 86_400, absolute: TimeInterval = 14 * 86_400, anonymousIdle: TimeInterval = 2 * 3600) {
        self.idle = idle
        self.absolute = absolute
        self.anonymousIdle = min(anonymousIdle, idle)
    }
}

/// A server-side session: a visitor's CSRF token and, once they log in, their user.
public struct SessionRecord: Sendable, Equatable {
    public var idHash: String
    public var user: User?
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date
    public var userAgent: String
    public var clientAddress: String
    /// Whether the user is an instructor of some course (the navigation then offers the review queue).
    public var isInstructor = false
    /// Notices in the user's inbox not read yet (the navigation shows the count).
    public var unreadNotifications = 0
}

/// `SessionStore` in SQLite, through GRDB.
public struct SQLiteSessionStore: SessionStore {
    let database: LecternDatabase
    public let lifetime: SessionLifetime

    public init(database: LecternDatabase, lifetime: SessionLifetime = SessionLifetime()) {
        self.database = database
        self.lifetime = lifetime
    }

    /// A new session with a fresh id and CSRF token. Returns the id to put in the cookie.
    public func create(userID: Int64?, userAgent: String, clientAddress: String, now: Date = Date()) async throws -> (
        id: String, record: SessionRecord
    ) {
        let id = SecretToken.make()
        let csrf = SecretToken.make()
        let idHash = SecretToken.hash(id)
        let agent = String(userAgent.prefix(300))
        let user = try await database.write(changesPublicPages: false) { db -> User? in
            try db.execute(
                sql:
                    "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, user_agent, client_address) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [idHash, userID, csrf, now, now, agent, clientAddress])
            guard let userID else { return nil }
            return try Row.fetchOne(db, sql: "SELECT \(SQLiteUserStore.columns) FROM users WHERE id = ?", arguments: [userID]).map(User.init(row:))
        }
        return (
            id,
            SessionRecord(
                idHash: idHash, user: user, csrfToken: csrf, createdAt: now, lastSeenAt: now, userAgent: agent, clientAddress: clientAddress)
        )
    }

    /// The live session for a cookie value, or nil. Expired sessions, and sessions of disabled users, are deleted on sight.
    public func find(id: String, now: Date = Date()) async throws -> SessionRecord? {
        guard id.utf8.count == 43, id.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        let idHash = SecretToken.hash(id)
        // Build the Sendable record inside the closure: returning a GRDB Row would pick the blocking overload.
        let found = try await database.readHere { db -> SessionRecord? in
            try Row.fetchOne(
                db,
                cachedSQL(
                    """
                    SELECT sessions.user_id, sessions.csrf_token, sessions.created_at AS session_created_at, sessions.last_seen_at,
                        sessions.user_agent, sessions.client_address, \(SQLiteUserStore.columns),
                        EXISTS (SELECT 1 FROM course_instructor WHERE course_instructor.user_id = sessions.user_id) AS is_instructor,
                        (SELECT COUNT(*) FROM notification WHERE notification.user_id = sessions.user_id AND read_at IS NULL) AS unread
                    FROM sessions LEFT JOIN users ON users.id = sessions.user_id
                    WHERE sessions.id_hash = ?
                    """, [idHash])
            ).map { row in
                var record = SessionRecord(
                    idHash: idHash, user: (row["user_id"] as Int64?) == nil ? nil : User(row: row), csrfToken: row["csrf_token"],
                    createdAt: row["session_created_at"], lastSeenAt: row["last_seen_at"], userAgent: row["user_agent"],
                    clientAddress: row["client_address"])
                record.isInstructor = row["is_instructor"]
                record.unreadNotifications = row["unread"]
                return record
            }
        }
        guard let found else { return nil }
        // Deleting a dead session and recording activity are housekeeping: when the disk is full they wait for a
        // later request, so signed-in visitors can still read.
        if !lifetime.isLive(found, now: now) {
            do { try await delete(idHash: idHash) } catch is StorageUnavailableError {}
            return nil
        }
        if lifetime.needsTouch(found, now: now) {
            do {
                try await database.write(changesPublicPages: false) { db in
                    try db.execute(sql: "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", arguments: [now, idHash])
                }
            } catch is StorageUnavailableError {}
        }
        return found
    }

    public func delete(idHash: String) async throws {
        try await database.write(changesPublicPages: false) { db in
            try db.execute(sql: "DELETE FROM sessions WHERE id_hash = ?", arguments: [idHash])
        }
    }

    /// Ends every session of a user except `keeping` (the one making the request), e.g. "sign out everywhere else".
    public func deleteAll(userID: Int64, keeping idHash: String? = nil) async throws {
        try await database.write(changesPublicPages: false) { db in
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?", arguments: [userID, idHash ?? ""])
        }
    }

    /// A user's live sessions, most recently used first.
    public func sessions(userID: Int64, now: Date = Date()) async throws -> [SessionRecord] {
        let idleCutoff = now.addingTimeInterval(-lifetime.idle)
        let absoluteCutoff = now.addingTimeInterval(-lifetime.absolute)
        return try await database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM sessions WHERE user_id = ? AND last_seen_at >= ? AND created_at >= ? ORDER BY last_seen_at DESC",
                arguments: [userID, idleCutoff, absoluteCutoff]
            ).map {
                SessionRecord(
                    idHash: $0["id_hash"], user: nil, csrfToken: "", createdAt: $0["created_at"], lastSeenAt: $0["last_seen_at"],
                    userAgent: $0["user_agent"], clientAddress: $0["client_address"])
            }
        }
    }

    /// Deletes sessions past either expiry; returns how many.
    @discardableResult
    public func prune(now: Date = Date()) async throws -> Int {
        try await database.write(changesPublicPages: false) { db in
            try db.execute(
                sql: "DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ? OR (user_id IS NULL AND last_seen_at < ?)",
                arguments: [
                    now.addingTimeInterval(-lifetime.idle), now.addingTimeInterval(-lifetime.absolute),
                    now.addingTimeInterval(-lifetime.anonymousIdle),
                ])
            return db.changesCount
        }
    }
}
