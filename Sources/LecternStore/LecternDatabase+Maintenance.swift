import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

/// What `lectern db status` reports.
public struct DatabaseStatus: Sendable, Equatable {
    public var path: String
    /// SQLite: the main file plus its -wal file; PostgreSQL: the database's size. In bytes.
    public var bytes: Int64
    /// SQLite's journal mode; "wal" on PostgreSQL, which always writes ahead.
    public var journalMode: String
    /// The backend and its version, for the operator: "SQLite 3.40.1", "PostgreSQL 15.18".
    public var engine: String
    public var appliedMigrations: [String]
    public var pendingMigrations: [String]
    /// Rows per kind of record, e.g. "posts": 12.
    public var counts: [String: Int]
}

extension LecternDatabase {
    public func status() async throws -> DatabaseStatus {
        let (applied, pending) = try await migrationStatus()
        let counts = try await pool.read { db in try Self.counts(db) }
        let (journalMode, version) = try await pool.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?", try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? "?")
        }
        let size = { (file: String) -> Int64 in
            ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0
        }
        return DatabaseStatus(
            path: path, bytes: size(path) + size(path + "-wal"), journalMode: journalMode, engine: "SQLite \(version)", appliedMigrations: applied, pendingMigrations: pending,
            counts: counts)
    }

    /// SQLite's integrity and foreign-key checks, and the search index's own check. Empty when all is well.
    public func check() async throws -> [String] {
        try await pool.writeWithoutTransaction { db in try Self.problems(db) }
    }

    /// Rows per kind of record, e.g. "posts": 12, for the tables this database has.
    static func counts(_ db: Database) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let queries = [
            ("posts", "post", "is_draft = 0 AND is_removed = 0"), ("drafts", "post", "is_draft = 1 AND is_removed = 0"),
            ("courses", "course", "is_removed = 0"), ("lessons", "lesson", "is_removed = 0"), ("users", "users", "1"),
            ("sessions", "sessions", "user_id IS NOT NULL"), ("enrolments", "enrolment", "1"), ("certificates", "certificate", "1"),
            ("outbox", "outbox", "1"),
        ]
        for (name, table, condition) in queries where try db.tableExists(table) {
            counts[name] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE \(condition)") ?? 0
        }
        return counts
    }

    /// What `check` reports, on any connection that may write (the search index's check is an INSERT).
    static func problems(_ db: Database) throws -> [String] {
        var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
        for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") {
            let table: String = row[0]
            let rowID: Int64? = row[1]
            let parent: String = row[2]
            problems.append("\(table) row \(rowID.map(String.init) ?? "?") points at a missing \(parent) row")
        }
        if try db.tableExists("post_fts") {
            do {
                try db.execute(sql: "INSERT INTO post_fts(post_fts, rank) VALUES ('integrity-check', 1)")
            } catch let error as DatabaseError {
                problems.append("search index: \(error.message ?? "\(error.resultCode)") (rebuild it with `lectern db check --repair-search`)")
            }
        }
        // Left by the 2026-12-02 migration: accounts whose addresses became one once normalised (NFC, lowercase
        // domain). They are never merged silently; the operator decides (`lectern user show`, `user disable`).
        // Only while two of them can still log in: once the operator disables the others, the check is clean.
        let conflicts =
            try db.tableExists("address_conflicts")
            ? Row.fetchAll(
                db,
                sql: """
                    SELECT address_conflicts.email_key, group_concat(users.email || ' (id ' || users.id || ')', ', ') AS accounts
                    FROM address_conflicts JOIN users ON users.id = address_conflicts.user_id
                    WHERE users.disabled_at IS NULL
                    GROUP BY address_conflicts.email_key HAVING count(*) > 1
                    """) : []
        for conflict in conflicts {
            let key: String = conflict["email_key"]
            let accounts: String = conflict["accounts"]
            problems.append("accounts \(accounts) are one address once normalised (\(key)); keep one and disable the others")
        }
        return problems
    }

    /// Rebuilds the search index from the posts table.
    public func rebuildSearchIndex() async throws {
        try await write { db in try db.execute(sql: "INSERT INTO post_fts(post_fts) VALUES ('rebuild')") }
    }

    /// A consistent copy made with SQLite's online backup while the server may be writing. The copy is written
    /// beside `destination` and renamed into place only when complete, so a failed backup never leaves half a file.
    public func backup(to destination: String) async throws -> Int64 {
        let temporary = destination + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            let copy = try DatabaseQueue(path: temporary)
            try pool.backup(to: copy)
            // A single self-contained file: no -wal beside it to forget when it is moved.
            try await copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
            guard rename(temporary, destination) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination]) }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        return ((try? FileManager.default.attributesOfItem(atPath: destination))?[.size] as? NSNumber)?.int64Value ?? 0
    }
}
