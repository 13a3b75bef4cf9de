import Foundation
import LecternCore

/// `UserStore` in PostgreSQL.
struct PostgresUserStore: UserStore {
    let database: PostgresSiteDatabase

    static let columns = "users.id, users.email, users.name, users.role, users.disabled_at, users.created_at, users.email_verified_at"

    func create(email: EmailAddress, name: String, passwordHash: String, role: User.Role, verified: Bool, now: Date) async throws -> User {
        try await database.write(changesPublicPages: false) { runner in
            // The unique index on email_key decides between two sign-ups racing for one address.
            let id = try await runner.value(
                """
                INSERT INTO users (email, email_key, name, password_hash, role, created_at, updated_at, email_verified_at)
                VALUES (\(email.value), \(email.key), \(name), \(passwordHash), \(role.rawValue), \(now), \(now), \(verified ? now : nil))
                ON CONFLICT (email_key) DO NOTHING
                RETURNING id
                """, as: Int64.self)
            guard let id else { throw Failure.emailTaken }
            var user = User(id: id, email: email.value, name: name, role: role, isDisabled: false, createdAt: now)
            user.isEmailVerified = verified
            return user
        }
    }

    func credentials(for email: EmailAddress) async throws -> (user: User, passwordHash: String)? {
        try await database.read { runner in
            try await runner.one("SELECT \(unescaped: Self.columns), users.password_hash FROM users WHERE email_key = \(email.key)") {
                (try User(columns: $0), try $0["password_hash"] as String)
            }
        }
    }

    func user(id: Int64) async throws -> User? {
        try await database.read { runner in
            try await runner.one("SELECT \(unescaped: Self.columns) FROM users WHERE id = \(id)", User.init(columns:))
        }
    }

    func user(email: EmailAddress) async throws -> User? {
        try await database.read { runner in
            try await runner.one("SELECT \(unescaped: Self.columns) FROM users WHERE email_key = \(email.key)", User.init(columns:))
        }
    }

    func passwordHash(userID: Int64) async throws -> String? {
        try await database.read { runner in try await runner.value("SELECT password_hash FROM users WHERE id = \(userID)", as: String.self) }
    }

    func updateName(userID: Int64, name: String, now: Date) async throws {
        try await database.write(changesPublicPages: false) { runner in
            try await runner.execute("UPDATE users SET name = \(name), updated_at = \(now) WHERE id = \(userID)")
        }
    }

    func setPassword(userID: Int64, passwordHash: String, now: Date) async throws {
        try await database.write(changesPublicPages: false) { runner in
            try await runner.execute("UPDATE users SET password_hash = \(passwordHash), updated_at = \(now) WHERE id = \(userID)")
            try await Self.endCredentials(userID: userID, runner, now: now)
        }
    }

    func upgradeHash(userID: Int64, from old: String, to new: String) async throws {
        try await database.write(changesPublicPages: false) { runner in
            try await runner.execute("UPDATE users SET password_hash = \(new) WHERE id = \(userID) AND password_hash = \(old)")
        }
    }

    func setDisabled(userID: Int64, _ disabled: Bool, now: Date) async throws {
        try await database.write(changesPublicPages: false) { runner in
            try await runner.execute(
                "UPDATE users SET disabled_at = \(disabled ? now : nil), updated_at = \(now) WHERE id = \(userID)")
            if disabled { try await Self.endCredentials(userID: userID, runner, now: now) }
        }
    }

    /// Ends what lets someone act as the user: sessions, reset links, a pending address change and access tokens
    /// (a password change is what an owner does on suspecting a thief; a token minted with a stolen session would
    /// otherwise outlive it).
    static func endCredentials(userID: Int64, _ runner: QueryRunner, now: Date) async throws {
        try await runner.execute("DELETE FROM sessions WHERE user_id = \(userID)")
        try await runner.execute("UPDATE password_resets SET used_at = \(now) WHERE user_id = \(userID) AND used_at IS NULL")
        try await runner.execute("UPDATE email_changes SET used_at = \(now) WHERE user_id = \(userID) AND used_at IS NULL")
        try await runner.execute("UPDATE access_token SET revoked_at = \(now) WHERE user_id = \(userID) AND revoked_at IS NULL")
    }

    func list(role: User.Role?, search: String?, limit: Int) async throws -> [UserListing] {
        let pattern = search.flatMap { $0.isEmpty ? nil : UserSearch.likePattern($0) }
        return try await database.read { runner in
            try await runner.all(
                """
                SELECT \(unescaped: Self.columns),
                    (SELECT count(*) FROM enrolment WHERE enrolment.user_id = users.id) AS enrolments,
                    (SELECT max(last_seen_at) FROM sessions WHERE sessions.user_id = users.id) AS last_seen_at
                FROM users
                WHERE (\(role?.rawValue)::text IS NULL OR users.role = \(role?.rawValue))
                    AND (\(pattern)::text IS NULL OR users.email_key LIKE \(pattern) ESCAPE '\\' OR lower(users.name) LIKE \(pattern) ESCAPE '\\')
                ORDER BY users.created_at DESC, users.id DESC LIMIT \(limit)
                """
            ) { UserListing(user: try User(columns: $0), enrolments: try $0["enrolments"], lastSeenAt: try $0["last_seen_at"]) }
        }
    }

    func setRole(userID: Int64, _ role: User.Role, now: Date) async throws {
        try await database.write { runner in
            if role != .admin { try await Self.refuseLastAdministrator(userID, runner) }
            try await runner.execute("UPDATE users SET role = \(role.rawValue), updated_at = \(now) WHERE id = \(userID)")
        }
    }

    func delete(userID: Int64) async throws -> UserDeletion {
        try await database.write { runner in
            try await Self.refuseLastAdministrator(userID, runner)
            func count(_ table: String) async throws -> Int {
                try await runner.value("SELECT count(*) FROM \(unescaped: table) WHERE user_id = \(userID)", as: Int.self) ?? 0
            }
            let deletion = UserDeletion(
                enrolments: try await count("enrolment"), lessonCompletions: try await count("lesson_completion"),
                sessions: try await count("sessions"), certificatesKept: try await count("certificate"))
            // The seats it held are locked first (in course order, as every seat-taking write does), so no enrolment
            // can slip into one before the first in line is promoted.
            let heldSeats = try await runner.values(
                """
                SELECT id FROM course WHERE id IN (
                    SELECT course_id FROM enrolment WHERE user_id = \(userID)
                    UNION SELECT course_id FROM enrolment_request WHERE user_id = \(userID) AND status = 'pending')
                ORDER BY id FOR NO KEY UPDATE
                """, as: Int64.self)
            // The foreign keys cascade (and set certificates' user_id to NULL). Its events keep their course but name
            // nobody: an account made later may get the same id, and must not follow this one's history.
            try await runner.execute("DELETE FROM users WHERE id = \(userID)")
            try await runner.execute("UPDATE event SET user_id = NULL WHERE user_id = \(userID)")
            for courseID in heldSeats {
                try await PostgresEventLog.append(runner, .left, userID: nil, subjectID: courseID, courseID: courseID, now: Date())
            }
            // The seats the account held go to the first in line, as when a learner leaves.
            for courseID in heldSeats { try await PostgresSeats.promote(runner, courseID: courseID, now: Date()) }
            return deletion
        }
    }

    /// Refuses to demote, or delete, the last active administrator. The administrators' rows are locked, so two
    /// operators demoting the last two at once cannot both succeed (SQLite's single writer gives that for free).
    static func refuseLastAdministrator(_ userID: Int64, _ runner: QueryRunner) async throws {
        let admins = try await runner.all("SELECT id, disabled_at IS NULL AS active FROM users WHERE role = 'admin' ORDER BY id FOR NO KEY UPDATE") {
            (id: try $0["id"] as Int64, active: try $0["active"] as Bool)
        }
        guard admins.contains(where: { $0.id == userID }) else { return }
        if !admins.contains(where: { $0.id != userID && $0.active }) { throw UserStore.AdministrationFailure.lastAdministrator }
    }
}

extension User {
    init(columns row: Columns) throws {
        self.init(
            id: try row["id"], email: try row["email"], name: try row["name"], role: User.Role(rawValue: try row["role"]) ?? .learner,
            isDisabled: try row["disabled_at"] as Date? != nil, createdAt: try row["created_at"])
        isEmailVerified = try row["email_verified_at"] as Date? != nil
    }
}
