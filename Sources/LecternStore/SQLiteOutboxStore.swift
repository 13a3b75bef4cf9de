import Foundation
import GRDB

/// A message Lectern wanted to send, kept for the operator when no mail command is configured.
public struct OutboxMessage: Sendable, Equatable {
    public var id: Int64
    public var recipient: String
    public var subject: String
    public var body: String
    public var createdAt: Date
}

/// `OutboxStore` in SQLite, through GRDB.
public struct SQLiteOutboxStore: OutboxStore {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    @discardableResult
    public func add(recipient: String, subject: String, body: String, now: Date = Date()) async throws -> Int64 {
        try await database.write(changesPublicPages: false) { db in
            try db.execute(
                sql: "INSERT INTO outbox (recipient, subject, body, created_at) VALUES (?, ?, ?, ?)", arguments: [recipient, subject, body, now])
            return db.lastInsertedRowID
        }
    }

    /// Deletes messages older than `retention`; returns how many.
    @discardableResult
    public func prune(olderThan retention: TimeInterval, now: Date = Date()) async throws -> Int {
        try await database.write(changesPublicPages: false) { db in
            try db.execute(sql: "DELETE FROM outbox WHERE created_at < ?", arguments: [now.addingTimeInterval(-retention)])
            return db.changesCount
        }
    }

    /// Newest first.
    public func messages(limit: Int = 100) async throws -> [OutboxMessage] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY id DESC LIMIT ?", arguments: [limit]).map(OutboxMessage.init(row:))
        }
    }

    public func message(id: Int64) async throws -> OutboxMessage? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE id = ?", arguments: [id]).map(OutboxMessage.init(row:))
        }
    }
}

extension OutboxMessage {
    init(row: Row) {
        self.init(id: row["id"], recipient: row["recipient"], subject: row["subject"], body: row["body"], createdAt: row["created_at"])
    }
}
