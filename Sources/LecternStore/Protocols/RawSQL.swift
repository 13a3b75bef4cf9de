import Foundation
import GRDB
import PostgresNIO

/// Plain SQL on whichever backend holds the site, for the tests that look at rows directly: statements whose text
/// is the same on SQLite and PostgreSQL. Not for the application, whose SQL lives in its stores.
protocol RawSQL: SiteDatabase {
    /// Runs `sql` as another program would, behind the application's back: no revision bump, no change announced.
    func execute(raw sql: String) async throws
    /// The first column of every row, as integers.
    func integers(raw sql: String) async throws -> [Int64]
    /// The first column of every row, as text.
    func strings(raw sql: String) async throws -> [String]
}

extension LecternDatabase: RawSQL {
    func execute(raw sql: String) async throws {
        try await pool.write { db in try db.execute(sql: sql) }
    }

    func integers(raw sql: String) async throws -> [Int64] {
        try await pool.read { db in try Int64.fetchAll(db, sql: sql) }
    }

    func strings(raw sql: String) async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: sql) }
    }
}

extension PostgresSiteDatabase: RawSQL {
    func execute(raw sql: String) async throws {
        try await read { runner in try await runner.execute(PostgresQuery(unsafeSQL: sql)) }
    }

    func integers(raw sql: String) async throws -> [Int64] {
        try await read { runner in try await runner.values(PostgresQuery(unsafeSQL: sql), as: Int64.self) }
    }

    func strings(raw sql: String) async throws -> [String] {
        try await read { runner in try await runner.values(PostgresQuery(unsafeSQL: sql), as: String.self) }
    }
}

extension SiteDatabase {
    /// This database's plain-SQL access (every backend has one).
    var raw: any RawSQL {
        guard let raw = self as? any RawSQL else { preconditionFailure("\(type(of: self)) has no RawSQL") }
        return raw
    }
}
