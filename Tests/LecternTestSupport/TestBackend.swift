import Foundation
import LecternStore

/// The backend a test's database is on: SQLite, or PostgreSQL when `LECTERN_TEST_BACKEND=postgres` (the test command
/// runs the store suite once on each, so one contract holds for both).
public enum TestBackend {
    public static let isPostgres = ProcessInfo.processInfo.environment["LECTERN_TEST_BACKEND"] == "postgres"

    /// A fresh, migrated database on this run's backend, for `site`.
    public static func open(_ site: TestSite) async throws -> any SiteDatabase {
        try await site.openDatabase()
    }

    /// Ends a database `open` made: a PostgreSQL one is closed, in the background (a deinit cannot wait); the site's
    /// `delete` drops it.
    public static func release(_ database: any SiteDatabase) {
        guard let postgres = database as? PostgresSiteDatabase else { return }
        Task { try? await postgres.close() }
    }
}
