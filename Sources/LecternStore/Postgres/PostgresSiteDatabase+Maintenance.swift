import Foundation
import LecternCore

/// `lectern db status`, `db check` and the search repair, on PostgreSQL.
extension PostgresSiteDatabase {
    public func status() async throws -> DatabaseStatus {
        let (applied, pending) = try await migrationStatus()
        return try await read { runner in
            var counts: [String: Int] = [:]
            for (name, table, condition) in Self.countedRecords {
                counts[name] = try await runner.value("SELECT count(*) FROM \(unescaped: table) WHERE \(unescaped: condition)", as: Int.self) ?? 0
            }
            let bytes = try await runner.value("SELECT pg_database_size(current_database())", as: Int64.self) ?? 0
            let version = try await runner.value("SHOW server_version", as: String.self) ?? "?"
            // PostgreSQL always writes ahead (its WAL), as SQLite does in the mode Lectern sets.
            return DatabaseStatus(path: location, bytes: bytes, journalMode: "wal", engine: "PostgreSQL \(version.split(separator: " ").first ?? "?")", appliedMigrations: applied, pendingMigrations: pending, counts: counts)
        }
    }

    /// The same records SQLite's status counts.
    private static let countedRecords = [
        ("posts", "post", "NOT is_draft AND NOT is_removed"), ("drafts", "post", "is_draft AND NOT is_removed"), ("courses", "course", "NOT is_removed"),
        ("lessons", "lesson", "NOT is_removed"), ("users", "users", "true"), ("sessions", "sessions", "user_id IS NOT NULL"),
        ("enrolments", "enrolment", "true"), ("certificates", "certificate", "true"), ("outbox", "outbox", "true"),
    ]

    /// PostgreSQL keeps its own integrity (checksums, constraints always enforced); what is Lectern's to check is the
    /// search vocabulary, kept by triggers, against a count made from scratch.
    public func check() async throws -> [String] {
        try await read { runner in
            let drift = try await runner.value(
                """
                SELECT count(*) FROM (
                    (SELECT term, doc FROM post_vocab WHERE doc > 0 EXCEPT
                        SELECT term, count(*) FROM post, unnest(tsvector_to_array(post.search)) AS term GROUP BY term)
                    UNION ALL
                    (SELECT term, count(*) FROM post, unnest(tsvector_to_array(post.search)) AS term GROUP BY term EXCEPT
                        SELECT term, doc FROM post_vocab WHERE doc > 0)
                ) AS differing
                """, as: Int.self) ?? 0
            return drift == 0
                ? [] : ["search vocabulary: \(drift) word\(drift == 1 ? "" : "s") counted wrongly (rebuild it with `lectern db check --repair-search`)"]
        }
    }

    /// Counts the search vocabulary again from the posts (the search column itself is computed by PostgreSQL).
    public func rebuildSearchIndex() async throws {
        try await write { runner in
            try await runner.execute("DELETE FROM post_vocab")
            try await runner.execute(
                "INSERT INTO post_vocab (term, doc) SELECT term, count(*) FROM post, unnest(tsvector_to_array(post.search)) AS term GROUP BY term")
        }
    }
}
