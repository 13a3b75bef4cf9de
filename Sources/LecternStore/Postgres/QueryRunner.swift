import Foundation
import Logging
import PostgresNIO

/// One connection of the pool, lent for a read or a transaction, with the few ways the stores use it. Values are
/// interpolated as bind parameters (`"… WHERE id = \(id)"`); SQL text from code uses `\(unescaped:)`.
struct QueryRunner {
    let connection: PostgresConnection
    let logger: Logger
    /// Where statements are counted (`StatementLog`), when a test watches this database.
    var statementLog: String? = nil

    /// Every statement of the stores goes through here: counted when watched, and sent only on an open connection.
    private func run(_ query: PostgresQuery) async throws -> PostgresQueryResult {
        if let statementLog { StatementLog.shared.record(statementLog, sql: query.sql) }
        return try await connection.queryIfOpen(query, logger: logger)
    }

    /// Runs a statement whose rows, if any, are not needed. Every statement's rows are collected before it counts as
    /// done, so an error raised while it runs (a deadlock or timeout inside `SELECT … FOR NO KEY UPDATE` or an advisory
    /// lock) is never lost to a transaction's next statement. Sent only on an open connection (`queryIfOpen`).
    func execute(_ query: PostgresQuery) async throws {
        _ = try await run(query)
    }

    /// Every row, each made into a value by `make`.
    func all<T>(_ query: PostgresQuery, _ make: (Columns) throws -> T) async throws -> [T] {
        try await run(query).map { try make(Columns(row: $0.makeRandomAccess())) }
    }

    /// The first row made into a value, or nil when there is none.
    func one<T>(_ query: PostgresQuery, _ make: (Columns) throws -> T) async throws -> T? {
        try await run(query).first.map { try make(Columns(row: $0.makeRandomAccess())) }
    }

    /// The first column of the first row, or nil when there is no row (or its value is NULL).
    func value<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> T? where T._DecodableType == T {
        guard let row = try await run(query).first else { return nil }
        return try row.makeRandomAccess()[0].decode(T?.self)
    }

    /// The first column of every row.
    func values<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> [T] {
        try await all(query) { try $0.first(T.self) }
    }

    /// Whether the query returns a row.
    func exists(_ query: PostgresQuery) async throws -> Bool {
        try await one(query) { _ in true } ?? false
    }
}

/// A row's columns by name, as GRDB's `row["column"]`.
struct Columns {
    let row: PostgresRandomAccessRow

    subscript<T: PostgresDecodable>(_ column: String) -> T {
        get throws {
            let cell = row[column]
            do {
                return try cell.decode(T.self)
            } catch {
                throw ColumnDecodingError(column: column, swiftType: "\(T.self)", postgresType: "\(cell.dataType)")
            }
        }
    }

    func first<T: PostgresDecodable>(_ type: T.Type) throws -> T {
        let cell = row[0]
        do {
            return try cell.decode(T.self)
        } catch {
            throw ColumnDecodingError(column: cell.columnName, swiftType: "\(T.self)", postgresType: "\(cell.dataType)")
        }
    }
}

/// A column whose value could not be read as the store expected: says which, unlike postgres-nio's own error, whose
/// description is kept generic (it may hold data).
struct ColumnDecodingError: Error, CustomStringConvertible {
    var column: String
    var swiftType: String
    var postgresType: String
    var description: String { "column '\(column)' (\(postgresType)) cannot be read as \(swiftType)" }
}
