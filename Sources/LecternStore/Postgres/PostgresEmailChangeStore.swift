import Foundation
import LecternCore

/// `EmailChangeStore` in PostgreSQL.
struct PostgresEmailChangeStore: EmailChangeStore {
    let database: PostgresSiteDatabase

    func request(userID: Int64, newEmail: EmailAddress, now: Date) async throws -> String? {
        let token = SecretToken.make()
        return try await database.write(changesPublicPages: false) { runner -> String? in
            // The account's row is locked, so of two requests at once the later cancels the earlier's link.
            try await runner.execute("SELECT 1 FROM users WHERE id = \(userID) FOR NO KEY UPDATE")
            if try await runner.exists("SELECT 1 FROM users WHERE email_key = \(newEmail.key) AND id <> \(userID)") { return nil }
            try await Self.cancel(userID: userID, in: runner, now: now)
            try await runner.execute(
                """
                INSERT INTO email_changes (token_hash, user_id, new_email, new_email_key, created_at, expires_at)
                VALUES (
                    \(SecretToken.hash(token)), \(userID), \(newEmail.value), \(newEmail.key), \(now),
                    \(now.addingTimeInterval(LinkValidity.emailChange)))
                """)
            return token
        }
    }

    func pendingAddress(forToken token: String, now: Date) async throws -> String? {
        try await database.read { runner in
            try await runner.value(
                """
                SELECT email_changes.new_email FROM email_changes JOIN users ON users.id = email_changes.user_id
                WHERE token_hash = \(SecretToken.hash(token)) AND used_at IS NULL AND expires_at > \(now) AND users.disabled_at IS NULL
                """, as: String.self)
        }
    }

    func confirm(token: String, keeping sessionIDHash: String?, now: Date) async throws -> Change? {
        let tokenHash = SecretToken.hash(token)
        return try await database.write(changesPublicPages: false) { runner -> Change? in
            // The account's row first, the order every write ending its credentials takes (no deadlock with a password
            // change); then the link is used up by the statement that finds it, so a link followed twice at once works once.
            try await runner.execute("SELECT 1 FROM users WHERE id = (SELECT user_id FROM email_changes WHERE token_hash = \(tokenHash)) FOR NO KEY UPDATE")
            guard
                let found = try await runner.one(
                    """
                    UPDATE email_changes SET used_at = \(now) FROM users
                    WHERE users.id = email_changes.user_id AND token_hash = \(tokenHash) AND used_at IS NULL AND expires_at > \(now)
                        AND users.disabled_at IS NULL
                    RETURNING email_changes.new_email, email_changes.new_email_key, \(unescaped: PostgresUserStore.columns)
                    """,
                    { row in (user: try User(columns: row), newEmail: try row["new_email"] as String, newKey: try row["new_email_key"] as String) })
            else { return nil }
            var user = found.user
            if try await runner.exists("SELECT 1 FROM users WHERE email_key = \(found.newKey) AND id <> \(user.id)") { throw Failure.emailTaken }
            do {
                try await runner.execute(
                    "UPDATE users SET email = \(found.newEmail), email_key = \(found.newKey), updated_at = \(now) WHERE id = \(user.id)")
            } catch let error where PostgresProblem.state(of: error) == "23505" {
                // An account made with the address after the check above, not yet committed then.
                throw Failure.emailTaken
            }
            // Following the link proved the new mailbox, so the address is verified (and held certificates are issued).
            _ = try await PostgresEmailVerificationStore.markVerified(runner, userID: user.id, now: now)
            user.isEmailVerified = true
            try await Self.cancel(userID: user.id, in: runner, now: now)
            try await runner.execute("UPDATE password_resets SET used_at = \(now) WHERE user_id = \(user.id) AND used_at IS NULL")
            try await runner.execute("DELETE FROM sessions WHERE user_id = \(user.id) AND id_hash <> \(sessionIDHash ?? "")")
            let previous = user.email
            user.email = found.newEmail
            return Change(user: user, previousEmail: previous)
        }
    }

    /// Ends the user's pending changes (a password change or reset, or a disabled account, calls this).
    static func cancel(userID: Int64, in runner: QueryRunner, now: Date) async throws {
        try await runner.execute("UPDATE email_changes SET used_at = \(now) WHERE user_id = \(userID) AND used_at IS NULL")
    }
}
