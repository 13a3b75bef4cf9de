import Foundation
import LecternCore

/// `EmailVerificationStore` in PostgreSQL.
struct PostgresEmailVerificationStore: EmailVerificationStore {
    let database: PostgresSiteDatabase

    func create(userID: Int64, now: Date) async throws -> String? {
        let token = SecretToken.make()
        return try await database.write(changesPublicPages: false) { runner -> String? in
            // The account's row is locked, so of two links asked for at once the later ends the earlier.
            guard
                let account = try await runner.one(
                    "SELECT email_key, email_verified_at FROM users WHERE id = \(userID) FOR NO KEY UPDATE",
                    { (key: try $0["email_key"] as String, verifiedAt: try $0["email_verified_at"] as Date?) }),
                account.verifiedAt == nil
            else { return nil }
            try await runner.execute("UPDATE email_verification SET used_at = \(now) WHERE user_id = \(userID) AND used_at IS NULL")
            try await runner.execute(
                """
                INSERT INTO email_verification (token_hash, user_id, email_key, created_at, expires_at)
                VALUES (\(SecretToken.hash(token)), \(userID), \(account.key), \(now), \(now.addingTimeInterval(LinkValidity.emailVerification)))
                """)
            return token
        }
    }

    func pendingAddress(forToken token: String, now: Date) async throws -> String? {
        try await database.read { runner in
            try await runner.value(
                """
                SELECT users.email FROM email_verification JOIN users ON users.id = email_verification.user_id
                WHERE email_verification.token_hash = \(SecretToken.hash(token)) AND email_verification.used_at IS NULL
                    AND email_verification.expires_at > \(now) AND users.email_key = email_verification.email_key AND users.disabled_at IS NULL
                """, as: String.self)
        }
    }

    func verify(token: String, now: Date) async throws -> User? {
        let tokenHash = SecretToken.hash(token)
        return try await database.write { runner -> User? in
            // The account's row first, the order every write ending its credentials takes; then the link is used up by
            // the statement that finds it, so a link followed twice at once works once.
            try await runner.execute(
                "SELECT 1 FROM users WHERE id = (SELECT user_id FROM email_verification WHERE token_hash = \(tokenHash)) FOR NO KEY UPDATE")
            guard
                let userID = try await runner.value(
                    """
                    UPDATE email_verification SET used_at = \(now) FROM users
                    WHERE users.id = email_verification.user_id AND email_verification.token_hash = \(tokenHash)
                        AND email_verification.used_at IS NULL AND email_verification.expires_at > \(now)
                        AND users.email_key = email_verification.email_key AND users.disabled_at IS NULL
                    RETURNING users.id
                    """, as: Int64.self)
            else { return nil }
            return try await Self.markVerified(runner, userID: userID, now: now)
        }
    }

    @discardableResult
    func verify(userID: Int64, now: Date) async throws -> Bool {
        try await database.write { runner in
            // Locked, so that of two operators verifying at once the second hears it already was.
            guard try await runner.value("SELECT email_verified_at IS NULL FROM users WHERE id = \(userID) FOR NO KEY UPDATE", as: Bool.self) == true
            else { return false }
            _ = try await Self.markVerified(runner, userID: userID, now: now)
            return true
        }
    }

    /// Marks the address verified, ends its outstanding links and issues each certificate the learner earned meanwhile.
    static func markVerified(_ runner: QueryRunner, userID: Int64, now: Date) async throws -> User? {
        try await runner.execute("UPDATE users SET email_verified_at = coalesce(email_verified_at, \(now)) WHERE id = \(userID)")
        try await runner.execute("UPDATE email_verification SET used_at = \(now) WHERE user_id = \(userID) AND used_at IS NULL")
        guard let user = try await runner.one("SELECT \(unescaped: PostgresUserStore.columns) FROM users WHERE id = \(userID)", User.init(columns:))
        else { return nil }
        for courseID in try await runner.values("SELECT course_id FROM enrolment WHERE user_id = \(userID) ORDER BY course_id", as: Int64.self) {
            _ = try await PostgresEnrolmentStore.issueIfDue(runner, userID: userID, courseID: courseID, learnerName: user.name, now: now)
        }
        return user
    }

    func isVerified(email: String) async throws -> Bool {
        try await database.read { runner in
            try await runner.value(
                "SELECT email_verified_at IS NOT NULL FROM users WHERE email_key = \(EmailAddress.key(email))", as: Bool.self) ?? false
        }
    }
}
