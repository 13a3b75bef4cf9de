import Foundation
import GRDB

extension LecternDatabase {
    /// The site's secret key (32 random bytes made when the database was created or migrated), shared by every
    /// process on this database: it signs form tokens, device cookies and visitor hashes.
    public func siteSecret() async throws -> [UInt8] {
        try await pool.read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT secret FROM site_secret WHERE id = 1"), data.count >= 32 else {
                throw DatabaseOpenError(path: path, reason: "has no site secret (its site_secret row was deleted); restore it from a backup")
            }
            return Array(data)
        }
    }
}
