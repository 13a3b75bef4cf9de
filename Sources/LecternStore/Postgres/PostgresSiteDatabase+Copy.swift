import Foundation
import NIOCore
import PostgresNIO

/// The PostgreSQL side of `SiteCopy`.
extension PostgresSiteDatabase: CopyableDatabase {
    var hasExactColumnTypes: Bool { true }

    func copyLayout() async throws -> [String: [CopyColumn]] {
        let columns = try await read { runner in
            try await runner.all(
                """
                SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
                JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
                WHERE c.table_schema = current_schema() AND c.is_generated = 'NEVER' ORDER BY c.table_name, c.ordinal_position
                """
            ) { (table: try $0["table_name"] as String, column: try $0["column_name"] as String, type: try $0["data_type"] as String) }
        }
        var layout: [String: [CopyColumn]] = [:]
        for column in columns where !SiteCopy.isDerived(column.table) {
            guard let kind = Self.kind(column.type) else {
                throw SiteCopyError("\(column.table).\(column.column) is of type \(column.type), which the copy does not know")
            }
            layout[column.table, default: []].append(CopyColumn(name: column.column, kind: kind))
        }
        return layout
    }

    static func kind(_ type: String) -> CopyColumn.Kind? {
        switch type {
        case "bigint", "integer", "smallint": .integer
        case "boolean": .boolean
        case "text", "character varying": .text
        case "bytea": .bytes
        case "timestamp with time zone", "timestamp without time zone", "date": .date
        default: nil
        }
    }

    func copyReferences() async throws -> [String: Set<String>] {
        let pairs = try await read { runner in
            try await runner.all(
                """
                SELECT child.relname AS child, parent.relname AS parent FROM pg_constraint c
                JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid
                WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
                """
            ) { (child: try $0["child"] as String, parent: try $0["parent"] as String) }
        }
        return pairs.reduce(into: [:]) { $0[$1.child, default: []].insert($1.parent) }
    }

    func copyRows(_ table: String, _ columns: [CopyColumn]) async throws -> [[CopiedValue]] {
        let list = columns.map { SiteCopy.quoted($0.name) }.joined(separator: ", ")
        return try await read { runner in
            try await runner.all(PostgresQuery(unsafeSQL: "SELECT \(list) FROM \(SiteCopy.quoted(table)) ORDER BY 1")) { row in
                try columns.indices.map { index in try Self.value(row.row[index], columns[index]) }
            }
        }
    }

    func copyRowCounts(_ tables: [String]) async throws -> [String: Int] {
        try await read { runner in
            var counts: [String: Int] = [:]
            for table in tables {
                counts[table] = try await runner.value(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(SiteCopy.quoted(table))"), as: Int.self) ?? 0
            }
            return counts
        }
    }

    func copyReplace(_ tables: [(name: String, columns: [CopyColumn], rows: [[CopiedValue]])]) async throws {
        try await write { runner in
            for table in tables.reversed() { try await runner.execute(PostgresQuery(unsafeSQL: "DELETE FROM \(SiteCopy.quoted(table.name))")) }
            for table in tables where !table.rows.isEmpty {
                let sql =
                    "INSERT INTO \(SiteCopy.quoted(table.name)) (\(table.columns.map { SiteCopy.quoted($0.name) }.joined(separator: ", "))) VALUES ("
                    + table.columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ") + ")"
                for row in table.rows {
                    var binds = PostgresBindings(capacity: row.count)
                    for value in row { Self.bind(value, to: &binds) }
                    try await runner.execute(PostgresQuery(unsafeSQL: sql, binds: binds))
                }
            }
            // Identity columns were given their values: the next id made here must come after the largest copied.
            let identities = try await runner.all(
                """
                SELECT table_name, column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND is_identity = 'YES'
                """
            ) { (table: try $0["table_name"] as String, column: try $0["column_name"] as String) }
            for identity in identities where tables.contains(where: { $0.name == identity.table }) {
                try await runner.execute(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence('\(SiteCopy.quoted(identity.table))', '\(identity.column)'),
                                coalesce(max(\(SiteCopy.quoted(identity.column))), 1), max(\(SiteCopy.quoted(identity.column))) IS NOT NULL)
                            FROM \(SiteCopy.quoted(identity.table))
                            """))
            }
        }
    }

    static func value(_ cell: PostgresCell, _ column: CopyColumn) throws -> CopiedValue {
        let value: CopiedValue? =
            switch column.kind {
            case .integer: try cell.decode(Int64?.self).map(CopiedValue.integer)
            case .boolean: try cell.decode(Bool?.self).map(CopiedValue.boolean)
            case .text: try cell.decode(String?.self).map(CopiedValue.text)
            case .bytes: try cell.decode(ByteBuffer?.self).map { .bytes(Array($0.readableBytesView)) }
            case .date: try cell.decode(Date?.self).map(CopiedValue.date)
            }
        return value ?? .null
    }

    static func bind(_ value: CopiedValue, to binds: inout PostgresBindings) {
        switch value {
        case .null: binds.appendNull()
        case .integer(let number): binds.append(number, context: .default)
        case .boolean(let flag): binds.append(flag, context: .default)
        case .text(let text): binds.append(text, context: .default)
        case .bytes(let bytes): binds.append(ByteBuffer(bytes: bytes), context: .default)
        case .date(let date): binds.append(date, context: .default)
        }
    }
}
