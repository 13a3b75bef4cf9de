import Foundation
import GRDB
import LecternCore
import LecternTestSupport
import Testing

@testable import LecternStore

/// What the stores do when the disk refuses writes: a `StorageUnavailableError` (the web answers 503), reads
/// unaffected, and writes working again as soon as the storage does, with the same open database.
@Suite final class StorageFailureTests {
    let site: TestSite
    let database: LecternDatabase
    let users: UserStore

    init() throws {
        site = try TestSite()
        database = try LecternDatabase.open(path: site.databasePath)
        users = database.users
    }

    deinit { site.delete() }

    func createUser(_ number: Int) async throws -> User {
        try await users.create(
            email: try EmailAddress("learner\(number)@example.com"), name: String(repeating: "N", count: 500), passwordHash: "$argon2id$x", verified: true)
    }

    /// SQLite's own page limit fails exactly as a full disk does (SQLITE_FULL), without needing a small file system.
    func limitDatabase(toPages pages: Int?) async throws {
        try await database.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA max_page_count = \(pages ?? 1_073_741_823)")
        }
    }

    @Test func aWriteOnAFullDiskIsRefusedWithoutLosingDataAndWorksOnceSpaceReturns() async throws {
        let first = try await createUser(0)
        let pages = try await database.pool.read { try Int.fetchOne($0, sql: "PRAGMA page_count") ?? 0 }
        try await limitDatabase(toPages: pages)

        let error = await #expect(throws: StorageUnavailableError.self) {
            for number in 1...200 { _ = try await self.createUser(number) }
        }
        #expect(error?.cause == .diskFull)
        #expect(error?.description.contains("the disk is full") == true)
        #expect(try await users.user(id: first.id)?.email == first.email)

        try await limitDatabase(toPages: nil)
        let later = try await createUser(1000)
        #expect(try await users.user(id: later.id) != nil)
    }

    @Test func aReadOnlyDatabaseRefusesWritesButSignedInVisitorsStillRead() async throws {
        let sessions = database.sessions
        let user = try await createUser(1)
        let start = Date()
        let (id, _) = try await sessions.create(userID: user.id, userAgent: "test", clientAddress: "127.0.0.1", now: start)
        try await database.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA query_only = 1") }

        let error = await #expect(throws: StorageUnavailableError.self) { _ = try await self.createUser(2) }
        #expect(error?.cause == .readOnly)
        // Two minutes on, the session's last-seen time is due to be written; the failed write does not sign anyone out.
        #expect(try await sessions.find(id: id, now: start.addingTimeInterval(120))?.user?.id == user.id)

        try await database.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA query_only = 0") }
        _ = try await createUser(2)
    }

    @Test func aConstraintFailureIsNotMistakenForAStorageProblem() async throws {
        _ = try await createUser(1)
        await #expect(throws: UserStore.Failure.emailTaken) { _ = try await self.createUser(1) }
    }
}
