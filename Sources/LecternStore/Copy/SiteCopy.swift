import Crypto
import Foundation

/// Moves a whole site from one database to another, SQLite to PostgreSQL and back (or between two of a kind): every
/// table but those derived from others (the search index and its vocabulary) and the transient rate-limit marks, in
/// one transaction on the target, then checked by reading both back: the same row count and the same checksum of the
/// content, table by table. A target that already holds a site is refused unless `replace` says to overwrite it.
public enum SiteCopy {
    /// One table as copied: its rows and a checksum of their content (order-independent; dates to the millisecond,
    /// as SQLite keeps them).
    public struct Table: Sendable, Encodable, Equatable {
        public let name: String
        public let rows: Int
        public let checksum: String
    }

    public struct Report: Sendable, Encodable {
        public let tables: [Table]
        /// The target held a site that the copy replaced.
        public let replaced: Bool
        public var rows: Int { tables.reduce(0) { $0 + $1.rows } }
    }

    /// Tables never copied: derived from others, rebuilt on the target (`rebuildSearchIndex`), transient, or the target's
    /// own (its migrations, and its public-page revision, which its servers' caches go by and every write moves on).
    static let derived: Set<String> = ["post_vocab", "post_vocab_change", "rate_mark", "grdb_migrations", "lectern_migrations", "site_revision"]
    static func isDerived(_ table: String) -> Bool { derived.contains(table) || table.hasPrefix("post_fts") }
    /// Tables the migrations fill in a new database: a target holding only these is empty.
    static let seeded: Set<String> = ["site_secret"]

    /// Copies `source` into `target`; both must be migrated to the same migrations (open them with migrations applied).
    /// In a dry run of the target, everything is written and checked by its constraints, then rolled back.
    public static func copy(from source: any SiteDatabase, to target: any SiteDatabase, replace: Bool) async throws -> Report {
        guard let from = source as? any CopyableDatabase, let to = target as? any CopyableDatabase else {
            throw SiteCopyError("this backend cannot be copied")
        }
        guard source.location != target.location else { throw SiteCopyError("the source and the target are the same database") }
        let (sourceApplied, sourcePending) = try await source.migrationStatus()
        guard sourcePending.isEmpty else {
            throw SiteCopyError("the source lacks \(sourcePending.count) migration(s) this lectern knows: run `lectern db migrate` on it first")
        }
        let (targetApplied, _) = try await target.migrationStatus()
        guard Set(sourceApplied) == Set(targetApplied) else {
            throw SiteCopyError("the source and the target are not at the same migrations: migrate both with this lectern")
        }
        let plan = try await Plan(source: from, target: to)
        let counts = try await to.copyRowCounts(plan.tables.map(\.name))
        let held = counts.filter { !seeded.contains($0.key) && $0.value > 0 }
        if !held.isEmpty, !replace {
            let some = held.sorted { $0.key < $1.key }.prefix(4).map { "\($0.value) in \($0.key)" }.joined(separator: ", ")
            throw SiteCopyError("the target holds a site already (\(some)…): give --replace to overwrite it, or copy to an empty database")
        }
        var copied: [(name: String, columns: [CopyColumn], rows: [[CopiedValue]])] = []
        var tables: [Table] = []
        for table in plan.tables {
            let rows = try await from.copyRows(table.name, table.columns)
            copied.append((table.name, table.columns, rows))
            tables.append(Table(name: table.name, rows: rows.count, checksum: checksum(rows)))
        }
        try await to.copyReplace(copied)
        guard !target.isDryRun else { return Report(tables: tables, replaced: !held.isEmpty) }
        try await target.rebuildSearchIndex()
        // Read back what the target now holds: the copy is only done when both sides agree.
        for (table, expected) in zip(plan.tables, tables) {
            let rows = try await to.copyRows(table.name, table.columns)
            let found = Table(name: table.name, rows: rows.count, checksum: checksum(rows))
            guard found == expected else {
                throw SiteCopyError(
                    "table \(table.name) differs after the copy (source \(expected.rows) rows, \(expected.checksum.prefix(12)); "
                        + "target \(found.rows) rows, \(found.checksum.prefix(12))): the target is not to be used")
            }
        }
        return Report(tables: tables, replaced: !held.isEmpty)
    }

    /// A table or column name as an SQL identifier (the same quoting on both backends).
    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// What a copy of `source` would move, read from the source alone (for a dry run into a database not migrated yet).
    public static func survey(_ source: any SiteDatabase) async throws -> Report {
        guard let from = source as? any CopyableDatabase else { throw SiteCopyError("this backend cannot be copied") }
        var tables: [Table] = []
        for (name, columns) in try await from.copyLayout().filter({ !isDerived($0.key) }).sorted(by: { $0.key < $1.key }) {
            let rows = try await from.copyRows(name, columns)
            tables.append(Table(name: name, rows: rows.count, checksum: checksum(rows)))
        }
        return Report(tables: tables, replaced: false)
    }

    /// SHA-256 over the sorted digests of the rows, so the order each backend returns them in does not matter.
    static func checksum(_ rows: [[CopiedValue]]) -> String {
        var digests = rows.map { row -> [UInt8] in
            var hasher = SHA256()
            for value in row { value.feed(&hasher) }
            return Array(hasher.finalize())
        }
        digests.sort { $0.lexicographicallyPrecedes($1) }
        var total = SHA256()
        for digest in digests { total.update(data: digest) }
        return total.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The tables to copy, in an order where each comes after those it references, with their columns.
    struct Plan {
        let tables: [(name: String, columns: [CopyColumn])]

        init(source: any CopyableDatabase, target: any CopyableDatabase) async throws {
            let sourceLayout = try await source.copyLayout().filter { !SiteCopy.isDerived($0.key) }
            let targetLayout = try await target.copyLayout().filter { !SiteCopy.isDerived($0.key) }
            if let only = Set(sourceLayout.keys).symmetricDifference(targetLayout.keys).sorted().first {
                throw SiteCopyError("table \(only) is in \(sourceLayout[only] == nil ? "the target" : "the source") only: the two schemas differ")
            }
            // PostgreSQL's column types are exact where SQLite's are declarations: they decide how values are read.
            let exact = source.hasExactColumnTypes || !target.hasExactColumnTypes ? sourceLayout : targetLayout
            var columns: [String: [CopyColumn]] = [:]
            for (table, sourceColumns) in sourceLayout {
                let names = sourceColumns.map(\.name)
                guard Set(names) == Set(targetLayout[table]?.map(\.name) ?? []) else {
                    throw SiteCopyError("table \(table) has other columns in the source than in the target: the two schemas differ")
                }
                let kinds = Dictionary(uniqueKeysWithValues: (exact[table] ?? []).map { ($0.name, $0.kind) })
                columns[table] = names.map { CopyColumn(name: $0, kind: kinds[$0] ?? .text) }
            }
            let references = try await source.copyReferences()
            var ordered: [String] = []
            var placed: Set<String> = []
            func place(_ table: String, _ path: Set<String>) {
                guard !placed.contains(table), !path.contains(table) else { return }
                for parent in (references[table] ?? []).sorted() where parent != table && columns[parent] != nil { place(parent, path.union([table])) }
                placed.insert(table)
                ordered.append(table)
            }
            for table in columns.keys.sorted() { place(table, []) }
            tables = ordered.map { ($0, columns[$0]!) }
        }
    }
}

/// Why a copy could not be made; says what to do.
public struct SiteCopyError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A column as the copy moves it: its name and what kind of value it holds.
struct CopyColumn: Sendable, Equatable {
    enum Kind: Sendable, Equatable { case integer, boolean, text, bytes, date }
    let name: String
    let kind: Kind
}

/// One value in transit between backends.
enum CopiedValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case boolean(Bool)
    case text(String)
    case bytes([UInt8])
    case date(Date)

    /// The date to the millisecond, as SQLite stores it (from microseconds, PostgreSQL's precision, without the
    /// floating-point error of multiplying seconds by a thousand).
    static func milliseconds(_ date: Date) -> Int64 {
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        return microseconds >= 0 ? microseconds / 1000 : (microseconds - 999) / 1000
    }

    func feed(_ hasher: inout SHA256) {
        func add(_ tag: String, _ bytes: [UInt8]) {
            hasher.update(data: Array(tag.utf8) + Array(String(bytes.count).utf8) + [0x3A] + bytes)
        }
        switch self {
        case .null: add("N", [])
        case .integer(let value): add("I", Array(String(value).utf8))
        case .boolean(let value): add("B", [value ? 1 : 0])
        case .text(let value): add("T", Array(value.utf8))
        case .bytes(let value): add("X", value)
        case .date(let value): add("D", Array(String(Self.milliseconds(value)).utf8))
        }
    }
}

/// A backend the copy can read and write.
protocol CopyableDatabase: SiteDatabase {
    /// Whether the column kinds `copyLayout` gives are the stored types (PostgreSQL) rather than declarations (SQLite).
    var hasExactColumnTypes: Bool { get }
    /// Every table with its columns in order, generated ones left out.
    func copyLayout() async throws -> [String: [CopyColumn]]
    /// The tables each table references by foreign key.
    func copyReferences() async throws -> [String: Set<String>]
    /// Every row of `table`, ordered by its first column (so rows that reference earlier rows of the same table follow them).
    func copyRows(_ table: String, _ columns: [CopyColumn]) async throws -> [[CopiedValue]]
    func copyRowCounts(_ tables: [String]) async throws -> [String: Int]
    /// In one transaction: empties `tables` (the last first), fills them in order, and moves identity counters past the
    /// ids copied.
    func copyReplace(_ tables: [(name: String, columns: [CopyColumn], rows: [[CopiedValue]])]) async throws
}
