import Foundation
import Logging
import PostgresNIO

/// One connection of the pool, lent for a read or a transaction, with the few ways the stores use it. Values are
/// interpolated as bind parameters (`"… WHERE id = \(id)"`); SQL text from code uses `\(unescaped:)`.
struct QueryRunner {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs a statement whose rows, if any, are not needed. They are read to the end all the same: postgres-nio
    /// reports a statement that returns rows as soon as the server accepts it, so an error raised while it runs (a
    /// deadlock or timeout inside `SELECT … FOR NO KEY UPDATE` or an advisory lock) would otherwise be lost, and the
    /// transaction's next statement fail with a misleading "transaction is aborted".
    func execute(_ query: PostgresQuery) async throws {
        for try await _ in try await connection.query(query, logger: logger) {}
    }

    /// Every row, each made into a value by `make`.
    func all<T>(_ query: PostgresQuery, _ make: (Columns) throws -> T) async throws -> [T] {
        var values: [T] = []
        for try await row in try await connection.query(query, logger: logger) {
            values.append(try make(Columns(row: row.makeRandomAccess())))
        }
        return values
    }

    /// The first row made into a value, or nil when there is none.
    func one<T>(_ query: PostgresQuery, _ make: (Columns) throws -> T) async throws -> T? {
        var found: T?
        for try await row in try await connection.query(query, logger: logger) where found == nil {
            found = try make(Columns(row: row.makeRandomAccess()))
        }
        return found
    }

    /// The first column of the first row, or nil when there is no row (or its value is NULL).
    func value<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> T? where T._DecodableType == T {
        var found: T??
        for try await row in try await connection.query(query, logger: logger) where found == nil {
            found = try row.makeRandomAccess()[0].decode(T?.self)
        }
        return found ?? nil
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
