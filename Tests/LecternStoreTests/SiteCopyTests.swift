import Foundation
import LecternCore
import LecternTestSupport
import Testing

@testable import LecternStore

/// `lectern db copy`'s engine: a site moved to the other backend (SQLite and PostgreSQL, when the test command gives a
/// server) and back is the same, row for row; a target holding a site is not overwritten unless asked.
@Suite final class SiteCopyTests: StoreSuite {
    var others: [any SiteDatabase] = []

    deinit {
        for case let other as PostgresSiteDatabase in others {
            Task {
                try? await other.close()
                TestPostgres.dropNow(other.url.database)
            }
        }
    }

    /// A new, migrated database on the other backend when there is one; a SQLite file beside the site otherwise.
    func otherDatabase(_ name: String, postgres: Bool) async throws -> any SiteDatabase {
        let database: any SiteDatabase =
            if postgres, TestPostgres.serverURL != nil {
                try await PostgresSiteDatabase.open(url: try await TestPostgres.makeDatabase())
            } else {
                try LecternDatabase.open(path: site.folder.appendingPathComponent("\(name).sqlite").path)
            }
        others.append(database)
        return database
    }

    func seed() async throws {
        for day in 1...3 {
            try site.writePost("post-\(day)", title: "Café culture \(day)", date: "2026-03-0\(day)", body: "Blueprints and *Flask* number \(day).")
        }
        try site.writeCourse("flask-certificate", capacity: 10)
        try site.writeLesson("flask-certificate", "01-first-app")
        try site.writeLesson("flask-certificate", "02-routing")
        _ = try await database.content.sync(from: ContentLoader(root: site.content))
        let course = try #require(try await database.courses.course(slug: "flask-certificate"))
        for index in 0..<5 {
            let user = try await database.users.create(
                email: try EmailAddress("learner\(index)@example.com"), name: "Learner \(index) “Zoë”", passwordHash: "x", verified: index % 2 == 0)
            _ = try await database.enrolments.enrol(userID: user.id, courseID: course.id)
            _ = try await database.sessions.create(userID: user.id, userAgent: "test", clientAddress: "203.0.113.\(index)", now: Date())
        }
    }

    @Test func aSiteCopiedToTheOtherBackendAndBackIsTheSameRowForRow() async throws {
        try await seed()
        let there = try await otherDatabase("there", postgres: !TestBackend.isPostgres)
        let first = try await SiteCopy.copy(from: database, to: there, replace: false)
        #expect(first.tables.first { $0.name == "users" }?.rows == 5)
        #expect(first.tables.first { $0.name == "post" }?.rows == 3)
        #expect(try await there.check().isEmpty)
        let back = try await otherDatabase("back", postgres: TestBackend.isPostgres)
        let second = try await SiteCopy.copy(from: there, to: back, replace: false)
        #expect(second.tables == first.tables)
        // Ids made after the copy come after the copied ones.
        let newcomer = try await back.users.create(email: try EmailAddress("new@example.com"), name: "New", passwordHash: "x", verified: true)
        #expect(newcomer.id > 5)
        #expect(try await back.courses.course(slug: "flask-certificate")?.enrolledCount == 5)
    }

    @Test func aTargetHoldingASiteIsRefusedUnlessToldToReplaceIt() async throws {
        try await seed()
        let there = try await otherDatabase("there", postgres: !TestBackend.isPostgres)
        _ = try await SiteCopy.copy(from: database, to: there, replace: false)
        await #expect(throws: SiteCopyError.self) { try await SiteCopy.copy(from: self.database, to: there, replace: false) }
        _ = try await database.users.create(email: try EmailAddress("late@example.com"), name: "Late", passwordHash: "x", verified: true)
        let replaced = try await SiteCopy.copy(from: database, to: there, replace: true)
        #expect(replaced.replaced)
        #expect(try await there.users.user(email: try EmailAddress("late@example.com")) != nil)
    }

    @Test func aDatabaseIsNotCopiedOntoItself() async throws {
        await #expect(throws: SiteCopyError.self) { try await SiteCopy.copy(from: self.database, to: self.database, replace: true) }
    }

    @Test func datesKeepTheirMillisecondsThroughSQLitesText() {
        let date = Date(timeIntervalSince1970: 1_790_000_000.123)
        #expect(CopiedValue.milliseconds(date) == 1_790_000_000_123)
        #expect(LecternDatabase.storedText(milliseconds: 1_790_000_000_123) == "2026-09-21 14:13:20.123")
        #expect(LecternDatabase.storedText(milliseconds: -1) == "1969-12-31 23:59:59.999")
    }
}
