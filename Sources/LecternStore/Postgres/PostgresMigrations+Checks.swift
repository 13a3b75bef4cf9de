import Foundation

extension PostgresMigrations {
    static let names = all.map(\.name)
    /// The advisory lock held while migrating ("LCTN", as SQLite's application id).
    static let lockKey: Int64 = 0x4C43_544E
    /// The migration after which the site's secret is made (with a bind parameter, from the system's CSPRNG).
    static let secretMigration = "2026-12-02-security-review"

    static func newerReason(_ unknown: [String]) -> String {
        "was written by a newer version of Lectern (unknown migration\(unknown.count == 1 ? "" : "s") \(unknown.map { "'\($0)'" }.joined(separator: ", "))): upgrade lectern, or point --database at another database"
    }
}
