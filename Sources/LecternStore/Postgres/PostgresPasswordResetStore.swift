import Foundation
import LecternCore

/// `PasswordResetStore` in PostgreSQL.
struct PostgresPasswordResetStore: PasswordResetStore {
    let database: PostgresSiteDatabase

    func create(userID: Int64, now: Date) async throws -> String {
        let token = SecretToken.make()
        try await database.write(changesPublicPages: false) { runner in
            // The account's row is locked, so of two links asked for at once the later ends the earlier.
            try await runner.execute("SELECT 1 FROM users WHERE id = \(userID) FOR NO KEY UPDATE")
            try await runner.execute("UPDATE password_resets SET used_at = \(now) WHERE user_id = \(userID) AND used_at IS NULL")
            try await runner.execute(
                """
                INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
                VALUES (\(SecretToken.hash(token)), \(userID), \(now), \(now.addingTimeInterval(LinkValidity.passwordReset)))
                """)
        }
        return token
    }

    func user(forToken token: String, now: Date) async throws -> User? {
        try await database.read { runner in
            try await runner.one(
                """
                SELECT \(unescaped: PostgresUserStore.columns) FROM password_resets JOIN users ON users.id = password_resets.user_id
                WHERE password_resets.token_hash = \(SecretToken.hash(token)) AND password_resets.used_at IS NULL
                    AND password_resets.expires_at > \(now) AND users.disabled_at IS NULL
                """, User.init(columns:))
        }
    }

    func reset(token: String, passwordHash: String, now: Date) async throws -> User? {
        let tokenHash = SecretToken.hash(token)
        return try await database.write(changesPublicPages: false) { runner -> User? in
            // The account's row first, the order every write ending its credentials takes (no deadlock with a password
            // change); then the link is used up by the statement that finds it, so of two tabs racing only one wins.
            try await runner.execute(
                "SELECT 1 FROM users WHERE id = (SELECT user_id FROM password_resets WHERE token_hash = \(tokenHash)) FOR NO KEY UPDATE")
            guard
                let user = try await runner.one(
                    """
                    UPDATE password_resets SET used_at = \(now) FROM users
                    WHERE users.id = password_resets.user_id AND password_resets.token_hash = \(tokenHash)
                        AND password_resets.used_at IS NULL AND password_resets.expires_at > \(now) AND users.disabled_at IS NULL
                    RETURNING \(unescaped: PostgresUserStore.columns)
                    """, User.init(columns:))
            else { return nil }
            try await runner.execute("UPDATE users SET password_hash = \(passwordHash), updated_at = \(now) WHERE id = \(user.id)")
            // A reset is how an owner takes an account back: whatever a thief made with it (sessions, tokens, a pending
            // address change, other reset links) ends.
            try await PostgresUserStore.endCredentials(userID: user.id, runner, now: now)
            // The link reached its owner through this address: that proves it, as the verification link would have.
            _ = try await PostgresEmailVerificationStore.markVerified(runner, userID: user.id, now: now)
            return user
        }
    }

    @discardableResult
    func prune(now: Date) async throws -> Int {
        let cutoff = now.addingTimeInterval(-LinkValidity.keptAfterExpiry)
        return try await database.write(changesPublicPages: false) { runner in
            try await runner.value(
                """
                WITH resets AS (DELETE FROM password_resets WHERE expires_at < \(cutoff) RETURNING 1),
                    changes AS (DELETE FROM email_changes WHERE expires_at < \(cutoff) RETURNING 1),
                    verifications AS (DELETE FROM email_verification WHERE expires_at < \(cutoff) RETURNING 1)
                SELECT (SELECT count(*) FROM resets) + (SELECT count(*) FROM changes) + (SELECT count(*) FROM verifications)
                """, as: Int.self) ?? 0
        }
    }
}
