import Foundation

extension PostgresMigrations {
    static let names = all.map(\.name)
    /// The advisory lock held while migrating ("LCTN", as SQLite's application id).
    static let lockKey: Int64 = 0x4C43_544E
    /// The migration after which the site's secret is made (with a bind parameter, from the system's CSPRNG).
    static let secretMigration = "2026-12-02-security-review"

    /// A stamp of every migration's name and SQL (FNV-1a, stable across processes): equal stamps, equal schemas.
    static let stamp: String = {
        let text = all.map { $0.name + "\n" + $0.sql }.joined(separator: "\n")
        let hash = text.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        return String(hash, radix: 36)
    }()

    static func foreignReason(_ tables: String) -> String {
        "holds tables Lectern did not make (\(tables)) and no Lectern schema: give Lectern a database of its own (createdb --encoding=UTF8 --template=template0 NAME)"
    }

    static func newerReason(_ unknown: [String]) -> String {
        "was written by a newer version of Lectern (unknown migration\(unknown.count == 1 ? "" : "s") \(unknown.map { "'\($0)'" }.joined(separator: ", "))): upgrade lectern, or point --database at another database"
    }
}
