import Foundation
import LecternCore

/// `AccessTokenStore` in PostgreSQL.
struct PostgresAccessTokenStore: AccessTokenStore {
    let database: PostgresSiteDatabase

    static let columns = """
        access_token.id, access_token.user_id, access_token.name, access_token.hint, access_token.scope, access_token.created_at, \
        access_token.expires_at, access_token.last_used_at, access_token.revoked_at
        """

    func create(user: User, name: String, scope: TokenScope, expiresAt: Date?, now: Date) async throws -> (token: AccessTokenRecord, secret: String) {
        let storedName = try AccessTokenError.checkedName(name, scope: scope, role: user.role, expiresAt: expiresAt, now: now)
        let secret = AccessToken.make()
        let hint = AccessToken.hint(of: secret)
        let id = try await database.write(changesPublicPages: false) { runner -> Int64 in
            // The account's row is locked so that two tokens made at once cannot both be counted under the limit.
            try await runner.execute("SELECT 1 FROM users WHERE id = \(user.id) FOR NO KEY UPDATE")
            let active =
                try await runner.value(
                    """
                    SELECT count(*) FROM access_token
                    WHERE user_id = \(user.id) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > \(now))
                    """, as: Int.self) ?? 0
            guard active < AccessToken.maxActivePerAccount else { throw AccessTokenError.tooMany }
            return try await runner.value(
                """
                INSERT INTO access_token (user_id, name, token_hash, hint, scope, created_at, expires_at)
                VALUES (\(user.id), \(storedName), \(SecretToken.hash(secret)), \(hint), \(scope.rawValue), \(now), \(expiresAt))
                RETURNING id
                """, as: Int64.self) ?? 0
        }
        let token = AccessTokenRecord(
            id: id, userID: user.id, name: storedName, hint: hint, scope: scope, createdAt: now, expiresAt: expiresAt, lastUsedAt: nil,
            revokedAt: nil)
        return (token, secret)
    }

    func list(userID: Int64) async throws -> [AccessTokenRecord] {
        try await database.read { runner in
            try await runner.all(
                "SELECT \(unescaped: Self.columns) FROM access_token WHERE user_id = \(userID) ORDER BY id DESC", AccessTokenRecord.init(columns:))
        }
    }

    func all() async throws -> [(token: AccessTokenRecord, email: String)] {
        try await database.read { runner in
            try await runner.all(
                """
                SELECT \(unescaped: Self.columns), users.email FROM access_token JOIN users ON users.id = access_token.user_id
                ORDER BY access_token.id DESC
                """
            ) { (token: try AccessTokenRecord(columns: $0), email: try $0["email"] as String) }
        }
    }

    func token(id: Int64) async throws -> AccessTokenRecord? {
        try await database.read { runner in
            try await runner.one("SELECT \(unescaped: Self.columns) FROM access_token WHERE id = \(id)", AccessTokenRecord.init(columns:))
        }
    }

    func revoke(id: Int64, userID: Int64?, now: Date) async throws -> Bool? {
        try await database.write(changesPublicPages: false) { runner -> Bool? in
            guard
                let owner = try await runner.value("SELECT user_id FROM access_token WHERE id = \(id)", as: Int64.self),
                userID == nil || owner == userID
            else { return nil }
            // One statement tests and sets: of two revocations at once, the second finds the token revoked.
            let revoked = try await runner.value(
                "UPDATE access_token SET revoked_at = \(now) WHERE id = \(id) AND revoked_at IS NULL RETURNING 1", as: Int.self)
            return revoked != nil
        }
    }

    func holder(secret: String, now: Date) async throws -> TokenHolder? {
        guard AccessToken.isWellFormed(secret) else { return nil }
        let hash = SecretToken.hash(secret)
        guard
            let (found, user) = try await database.read({ runner -> (AccessTokenRecord, User)? in
                guard
                    let token = try await runner.one(
                        """
                        SELECT \(unescaped: Self.columns) FROM access_token
                        WHERE token_hash = \(hash) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > \(now))
                        """, AccessTokenRecord.init(columns:)),
                    let user = try await runner.one(
                        "SELECT \(unescaped: PostgresUserStore.columns) FROM users WHERE id = \(token.userID) AND disabled_at IS NULL",
                        User.init(columns:))
                else { return nil }
                return (token, user)
            })
        else { return nil }
        var token = found
        if token.needsUseNoted(at: now) {
            let id = token.id
            let cutoff = now.addingTimeInterval(-AccessTokenRecord.useNoteInterval)
            // Best effort: a read must not fail because the note of its use could not be written (a server that takes
            // no writes); and of requests racing in the same minute, only the first writes.
            do {
                try await database.write(changesPublicPages: false) { runner in
                    try await runner.execute(
                        "UPDATE access_token SET last_used_at = \(now) WHERE id = \(id) AND (last_used_at IS NULL OR last_used_at < \(cutoff))")
                }
                token.lastUsedAt = now
            } catch {}
        }
        return TokenHolder(user: user, token: token, scope: token.scope.effective(for: user.role))
    }

    /// Ends every token of the account, in the caller's transaction (disabling it, resetting its password).
    static func revokeAll(userID: Int64, in runner: QueryRunner, now: Date) async throws {
        try await runner.execute("UPDATE access_token SET revoked_at = \(now) WHERE user_id = \(userID) AND revoked_at IS NULL")
    }
}

extension AccessTokenRecord {
    init(columns row: Columns) throws {
        self.init(
            id: try row["id"], userID: try row["user_id"], name: try row["name"], hint: try row["hint"],
            scope: TokenScope(rawValue: try row["scope"]) ?? .read, createdAt: try row["created_at"], expiresAt: try row["expires_at"],
            lastUsedAt: try row["last_used_at"], revokedAt: try row["revoked_at"])
    }
}
