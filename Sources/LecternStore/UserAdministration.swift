import Foundation
import GRDB
import LecternCore

/// One account as `lectern user list` shows it.
public struct UserListing: Sendable, Equatable {
    public var user: User
    public var enrolments: Int
    public var lastSeenAt: Date?
}

/// What deleting an account removed, and what it left.
public struct UserDeletion: Sendable, Equatable {
    public var enrolments: Int
    public var lessonCompletions: Int
    public var sessions: Int
    /// Certificates stay valid and verifiable: they name the learner as they were when issued.
    public var certificatesKept: Int
}

extension SQLiteUserStore {

    public func user(email: EmailAddress) async throws -> User? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM users WHERE email_key = ?", arguments: [email.key]).map(User.init(row:))
        }
    }

    /// Accounts, newest first. `search` matches part of the email or the name, ignoring case.
    public func list(role: User.Role? = nil, search: String? = nil, limit: Int = 1000) async throws -> [UserListing] {
        try await database.pool.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let role {
                conditions.append("users.role = ?")
                _ = arguments.append(contentsOf: [role.rawValue])
            }
            if let search, !search.isEmpty {
                let pattern = UserSearch.likePattern(search)
                conditions.append("(users.email_key LIKE ? ESCAPE '\\' OR lower(users.name) LIKE ? ESCAPE '\\')")
                _ = arguments.append(contentsOf: [pattern, pattern])
            }
            _ = arguments.append(contentsOf: [limit])
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.columns),
                        (SELECT count(*) FROM enrolment WHERE enrolment.user_id = users.id) AS enrolments,
                        (SELECT max(last_seen_at) FROM sessions WHERE sessions.user_id = users.id) AS last_seen_at
                    FROM users \(filter) ORDER BY users.created_at DESC, users.id DESC LIMIT ?
                    """,
                arguments: arguments
            ).map { UserListing(user: User(row: $0), enrolments: $0["enrolments"], lastSeenAt: $0["last_seen_at"]) }
        }
    }

    /// Makes the account an administrator or a learner. Refuses to demote the last active administrator.
    public func setRole(userID: Int64, _ role: User.Role, now: Date = Date()) async throws {
        try await database.write { db in
            if role != .admin { try Self.refuseLastAdministrator(userID, db) }
            try db.execute(sql: "UPDATE users SET role = ?, updated_at = ? WHERE id = ?", arguments: [role.rawValue, now, userID])
        }
    }

    /// Deletes the account with its sessions, reset links, enrolments and lesson progress. Certificates stay
    /// verifiable (they carry the learner's name as issued) but no longer point at an account.
    public func delete(userID: Int64) async throws -> UserDeletion {
        try await database.write { db in
            try Self.refuseLastAdministrator(userID, db)
            func count(_ table: String) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE user_id = ?", arguments: [userID]) ?? 0
            }
            let deletion = UserDeletion(
                enrolments: try count("enrolment"), lessonCompletions: try count("lesson_completion"), sessions: try count("sessions"),
                certificatesKept: try count("certificate"))
            let heldSeats = try Int64.fetchAll(
                db,
                sql: """
                    SELECT course_id FROM enrolment WHERE user_id = ?
                    UNION SELECT course_id FROM enrolment_request WHERE user_id = ? AND status = 'pending'
                    """, arguments: [userID, userID])
            // The foreign keys cascade (and set certificates' user_id to NULL). Its events keep their course but name
            // nobody: an account made later may get the same id, and must not follow this one's history.
            try db.execute(sql: "DELETE FROM users WHERE id = ?", arguments: [userID])
            try db.execute(sql: "UPDATE event SET user_id = NULL WHERE user_id = ?", arguments: [userID])
            for courseID in heldSeats { try SQLiteEventLog.append(db, .left, userID: nil, subjectID: courseID, courseID: courseID, now: Date()) }
            // The seats the account held go to the first in line, as when a learner leaves.
            for courseID in heldSeats { try Seats.promote(db, courseID: courseID, now: Date()) }
            return deletion
        }
    }

    static func refuseLastAdministrator(_ userID: Int64, _ db: Database) throws {
        let isAdmin = try String.fetchOne(db, sql: "SELECT role FROM users WHERE id = ?", arguments: [userID]) == User.Role.admin.rawValue
        guard isAdmin else { return }
        let others =
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> ?", arguments: [userID]) ?? 0
        if others == 0 { throw AdministrationFailure.lastAdministrator }
    }
}
