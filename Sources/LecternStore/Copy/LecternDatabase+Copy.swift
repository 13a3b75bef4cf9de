import Foundation
import GRDB

/// The SQLite side of `SiteCopy`.
extension LecternDatabase: CopyableDatabase {
    var hasExactColumnTypes: Bool { false }

    func copyLayout() async throws -> [String: [CopyColumn]] {
        try await pool.read { db in
            var layout: [String: [CopyColumn]] = [:]
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            for table in tables where !SiteCopy.isDerived(table) {
                // table_xinfo shows generated columns as hidden (2 or 3): they are made, not copied.
                layout[table] = try Row.fetchAll(db, sql: "SELECT name, type, hidden FROM pragma_table_xinfo(?)", arguments: [table])
                    .filter { ($0["hidden"] as Int) == 0 }
                    .map { CopyColumn(name: $0["name"], kind: Self.kind(declared: $0["type"] ?? "")) }
            }
            return layout
        }
    }

    /// The kind SQLite's type affinity rules give a declared type, with the dates and booleans GRDB stores told apart.
    static func kind(declared: String) -> CopyColumn.Kind {
        let type = declared.uppercased()
        if type.contains("BOOL") { return .boolean }
        if type.contains("DATE") || type.contains("TIME") { return .date }
        if type.contains("INT") { return .integer }
        if type.contains("BLOB") { return .bytes }
        return .text
    }

    func copyReferences() async throws -> [String: Set<String>] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT m.name AS child, f."table" AS parent FROM sqlite_master m, pragma_foreign_key_list(m.name) f
                    WHERE m.type = 'table'
                    """)
            return rows.reduce(into: [:]) { $0[$1["child"] as String, default: []].insert($1["parent"] as String) }
        }
    }

    func copyRows(_ table: String, _ columns: [CopyColumn]) async throws -> [[CopiedValue]] {
        let list = columns.map { SiteCopy.quoted($0.name) }.joined(separator: ", ")
        return try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(list) FROM \(SiteCopy.quoted(table)) ORDER BY 1").map { row in
                try columns.indices.map { index in try Self.value(row[index] as DatabaseValue, columns[index], table: table) }
            }
        }
    }

    func copyRowCounts(_ tables: [String]) async throws -> [String: Int] {
        try await pool.read { db in
            try tables.reduce(into: [:]) { $0[$1] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(SiteCopy.quoted($1))") ?? 0 }
        }
    }

    func copyReplace(_ tables: [(name: String, columns: [CopyColumn], rows: [[CopiedValue]])]) async throws {
        try await write { db in
            for table in tables.reversed() { try db.execute(sql: "DELETE FROM \(SiteCopy.quoted(table.name))") }
            for table in tables where !table.rows.isEmpty {
                let statement = try db.makeStatement(
                    sql: "INSERT INTO \(SiteCopy.quoted(table.name)) (\(table.columns.map { SiteCopy.quoted($0.name) }.joined(separator: ", "))) VALUES ("
                        + table.columns.map { _ in "?" }.joined(separator: ", ") + ")")
                for row in table.rows {
                    try statement.execute(arguments: StatementArguments(row.map(Self.storable)))
                }
            }
        }
    }

    /// A stored value read as `column` says; a value SQLite's loose typing let in under another type is converted when
    /// that loses nothing, and named otherwise.
    static func value(_ stored: DatabaseValue, _ column: CopyColumn, table: String) throws -> CopiedValue {
        if stored.isNull { return .null }
        let converted: CopiedValue? =
            switch column.kind {
            case .integer: Int64.fromDatabaseValue(stored).map(CopiedValue.integer)
            case .boolean: Bool.fromDatabaseValue(stored).map(CopiedValue.boolean)
            case .date: Date.fromDatabaseValue(stored).map(CopiedValue.date)
            case .bytes: Data.fromDatabaseValue(stored).map { .bytes(Array($0)) }
            case .text:
                switch stored.storage {
                case .string(let text): .text(text)
                case .int64(let number): .text(String(number))
                default: nil
                }
            }
        guard let converted else {
            throw SiteCopyError("\(table).\(column.name) holds \(stored.description), which is not a \(column.kind) value")
        }
        return converted
    }

    /// What GRDB binds for a value; dates written as the text GRDB itself stores, from whole milliseconds.
    static func storable(_ value: CopiedValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let number): number.databaseValue
        case .boolean(let flag): flag.databaseValue
        case .text(let text): text.databaseValue
        case .bytes(let bytes): Data(bytes).databaseValue
        case .date(let date): storedText(milliseconds: CopiedValue.milliseconds(date)).databaseValue
        }
    }

    /// "yyyy-MM-dd HH:mm:ss.SSS" in UTC, the format GRDB stores dates in, built from whole milliseconds.
    static func storedText(milliseconds: Int64) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let fraction = milliseconds - seconds * 1000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%03d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour),
            Int(parts.tm_min), Int(parts.tm_sec), Int(fraction))
    }
}
