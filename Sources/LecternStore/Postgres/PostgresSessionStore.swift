import Foundation
import LecternCore
import PostgresNIO

/// `SessionStore` in PostgreSQL.
struct PostgresSessionStore: SessionStore {
    let database: PostgresSiteDatabase
    let lifetime: SessionLifetime

    func create(userID: Int64?, userAgent: String, clientAddress: String, now: Date) async throws -> (id: String, record: SessionRecord) {
        let id = SecretToken.make()
        let csrf = SecretToken.make()
        let idHash = SecretToken.hash(id)
        let agent = String(userAgent.prefix(300))
        let user = try await database.write(changesPublicPages: false) { runner -> User? in
            try await runner.execute(
                """
                INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, user_agent, client_address)
                VALUES (\(idHash), \(userID), \(csrf), \(now), \(now), \(agent), \(clientAddress))
                """)
            guard let userID else { return nil }
            return try await runner.one("SELECT \(unescaped: PostgresUserStore.columns) FROM users WHERE id = \(userID)", User.init(columns:))
        }
        return (
            id,
            SessionRecord(
                idHash: idHash, user: user, csrfToken: csrf, createdAt: now, lastSeenAt: now, userAgent: agent, clientAddress: clientAddress)
        )
    }

    func find(id: String, now: Date) async throws -> SessionRecord? {
        guard id.utf8.count == 43, id.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        let idHash = SecretToken.hash(id)
        // Read on every signed-in request: kept while nothing is written anywhere (a sign-out, a new notification).
        let found = try await database.recentRead("session \(idHash)") { runner in
            try await runner.one(
                """
                SELECT sessions.user_id, sessions.csrf_token, sessions.created_at AS session_created_at, sessions.last_seen_at,
                    sessions.user_agent, sessions.client_address, \(unescaped: PostgresUserStore.columns),
                    EXISTS (SELECT 1 FROM course_instructor WHERE course_instructor.user_id = sessions.user_id) AS is_instructor,
                    (SELECT count(*) FROM notification WHERE notification.user_id = sessions.user_id AND read_at IS NULL) AS unread
                FROM sessions LEFT JOIN users ON users.id = sessions.user_id
                WHERE sessions.id_hash = \(idHash)
                """
            ) { row in
                var record = SessionRecord(
                    idHash: idHash, user: try row["user_id"] as Int64? == nil ? nil : User(columns: row), csrfToken: try row["csrf_token"],
                    createdAt: try row["session_created_at"], lastSeenAt: try row["last_seen_at"], userAgent: try row["user_agent"],
                    clientAddress: try row["client_address"])
                record.isInstructor = try row["is_instructor"]
                record.unreadNotifications = try row["unread"]
                return record
            }
        }
        guard let found else { return nil }
        // Deleting a dead session and recording activity are housekeeping: when the server cannot take writes they
        // wait for a later request, so signed-in visitors can still read.
        if !lifetime.isLive(found, now: now) {
            do { try await delete(idHash: idHash) } catch is StorageUnavailableError {}
            return nil
        }
        if lifetime.needsTouch(found, now: now) {
            // One statement on its own (the first request of every session after a pause makes one): other instances
            // forget what they kept of it, as after any write.
            do {
                let touch: PostgresQuery = """
                    WITH touched AS (UPDATE sessions SET last_seen_at = \(now) WHERE id_hash = \(idHash) RETURNING 1)
                    SELECT pg_notify('\(unescaped: PostgresChangeChannel.name)', '\(unescaped: PostgresChangeChannel.privatePayload)') FROM touched
                    """
                if try await database.writeAlone(changesPublicPages: false, { runner in try await runner.execute(touch) }) == nil {
                    try await database.write(changesPublicPages: false) { runner in try await runner.execute(touch) }
                }
            } catch is StorageUnavailableError {}
        }
        return found
    }

    func delete(idHash: String) async throws {
        try await database.write(changesPublicPages: false) { runner in
            try await runner.execute("DELETE FROM sessions WHERE id_hash = \(idHash)")
        }
    }

    func deleteAll(userID: Int64, keeping idHash: String?) async throws {
        try await database.write(changesPublicPages: false) { runner in
            try await runner.execute("DELETE FROM sessions WHERE user_id = \(userID) AND id_hash <> \(idHash ?? "")")
        }
    }

    func sessions(userID: Int64, now: Date) async throws -> [SessionRecord] {
        let idleCutoff = now.addingTimeInterval(-lifetime.idle)
        let absoluteCutoff = now.addingTimeInterval(-lifetime.absolute)
        return try await database.read { runner in
            try await runner.all(
                """
                SELECT id_hash, created_at, last_seen_at, user_agent, client_address FROM sessions
                WHERE user_id = \(userID) AND last_seen_at >= \(idleCutoff) AND created_at >= \(absoluteCutoff) ORDER BY last_seen_at DESC
                """
            ) { row in
                SessionRecord(
                    idHash: try row["id_hash"], user: nil, csrfToken: "", createdAt: try row["created_at"], lastSeenAt: try row["last_seen_at"],
                    userAgent: try row["user_agent"], clientAddress: try row["client_address"])
            }
        }
    }

    func prune(now: Date) async throws -> Int {
        try await database.write(changesPublicPages: false) { runner in
            try await runner.value(
                """
                WITH gone AS (
                    DELETE FROM sessions
                    WHERE last_seen_at < \(now.addingTimeInterval(-lifetime.idle)) OR created_at < \(now.addingTimeInterval(-lifetime.absolute))
                        OR (user_id IS NULL AND last_seen_at < \(now.addingTimeInterval(-lifetime.anonymousIdle)))
                    RETURNING 1
                )
                SELECT count(*) FROM gone
                """, as: Int.self) ?? 0
        }
    }
}
