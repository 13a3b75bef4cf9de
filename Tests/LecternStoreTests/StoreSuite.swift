import Foundation
import LecternTestSupport

@testable import LecternStore

/// What every store suite starts from: a throwaway site with a fresh, migrated database for each test, deleted after.
class StoreSuite {
    let site: TestSite
    let database: LecternDatabase

    init() throws {
        site = try TestSite()
        database = try LecternDatabase.open(path: site.databasePath)
    }

    deinit { site.delete() }
}
