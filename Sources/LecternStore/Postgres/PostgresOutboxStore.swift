import Foundation
import LecternCore

/// `OutboxStore` in PostgreSQL.
struct PostgresOutboxStore: OutboxStore {
    let database: PostgresSiteDatabase

    @discardableResult
    func add(recipient: String, subject: String, body: String, now: Date) async throws -> Int64 {
        try await database.write(changesPublicPages: false) { runner in
            try await runner.value(
                "INSERT INTO outbox (recipient, subject, body, created_at) VALUES (\(recipient), \(subject), \(body), \(now)) RETURNING id",
                as: Int64.self) ?? 0
        }
    }

    @discardableResult
    func prune(olderThan retention: TimeInterval, now: Date) async throws -> Int {
        try await database.write(changesPublicPages: false) { runner in
            try await runner.value(
                """
                WITH gone AS (DELETE FROM outbox WHERE created_at < \(now.addingTimeInterval(-retention)) RETURNING 1)
                SELECT count(*) FROM gone
                """, as: Int.self) ?? 0
        }
    }

    func messages(limit: Int) async throws -> [OutboxMessage] {
        try await database.read { runner in
            try await runner.all("SELECT * FROM outbox ORDER BY id DESC LIMIT \(limit)", OutboxMessage.init(columns:))
        }
    }

    func message(id: Int64) async throws -> OutboxMessage? {
        try await database.read { runner in
            try await runner.one("SELECT * FROM outbox WHERE id = \(id)", OutboxMessage.init(columns:))
        }
    }
}

extension OutboxMessage {
    init(columns row: Columns) throws {
        self.init(
            id: try row["id"], recipient: try row["recipient"], subject: try row["subject"], body: try row["body"], createdAt: try row["created_at"])
    }
}
