import Foundation
import LecternStore

/// What every suite that needs a database starts from: a throwaway site with a fresh, migrated database for each test,
/// on this run's backend (`TestBackend`), deleted after.
open class StoreSuite {
    public let site: TestSite
    public let database: any SiteDatabase

    public init() async throws {
        site = try TestSite()
        database = try await TestBackend.open(site)
    }

    deinit {
        TestBackend.release(database)
        site.delete()
    }
}
