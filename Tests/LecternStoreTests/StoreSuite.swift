import Foundation
import LecternTestSupport

@testable import LecternStore

/// What every store suite starts from: a throwaway site with a fresh, migrated database for each test, on this
/// run's backend (`TestBackend`), deleted after.
class StoreSuite {
    let site: TestSite
    let database: any SiteDatabase

    init() async throws {
        site = try TestSite()
        database = try await TestBackend.open(site)
    }

    deinit {
        TestBackend.release(database)
        site.delete()
    }
}
