import Foundation
import GRDB
import LecternCLI
import LecternStore
import Testing

@Suite struct DatabaseCommandTests {
    @Test func migrateCreatesTheDatabaseOnceAndThenHasNothingToDo() async throws {
        let site = try await CLISite()
        let fresh = site.site.folder.appendingPathComponent("new.sqlite").path
        let dry = await site.lectern(["db", "migrate", "--db", fresh, "--dry-run", "--json"], site: false)
        #expect(dry.status == 0)
        #expect((try dry.object()["applied"] as? [String])?.count == 24)
        #expect(!FileManager.default.fileExists(atPath: fresh))

        let first = await site.lectern(["db", "migrate", "--db", fresh, "--json"], site: false)
        #expect(first.status == 0)
        #expect((try first.object()["applied"] as? [String])?.first == "2026-11-25-posts-and-courses")
        let second = await site.lectern(["db", "migrate", "--db", fresh], site: false)
        #expect(second.output.contains("is up to date (24 migrations applied)"))
    }

    @Test func statusCountsWhatTheDatabaseHolds() async throws {
        let site = try await CLISite()
        try await site.register("ada@example.com")
        let run = await site.lectern("db", "status", "--json")
        #expect(run.status == 0)
        let status = try run.object()
        let counts = try #require(status["counts"] as? [String: Int])
        #expect(counts["posts"] == 1 && counts["courses"] == 1 && counts["lessons"] == 2 && counts["users"] == 1)
        #expect((status["pending_migrations"] as? [String]) == [])
        #expect(status["journal_mode"] as? String == "wal")
        let table = await site.lectern("db", "status")
        #expect(table.output.contains("24 migrations applied, up to date"))
    }

    @Test func aMissingDatabaseIsAnErrorAndIsNotCreated() async throws {
        let site = try await CLISite()
        let missing = site.site.folder.appendingPathComponent("typo.sqlite").path
        for command in [["db", "status"], ["db", "check"], ["user", "list"], ["course", "list"], ["post", "list"], ["enrolment", "list"]] {
            let run = await site.lectern(command + ["--db", missing], site: false)
            #expect(run.status == 1)
            #expect(run.errors.contains("does not exist"), "\(command): \(run.errors)")
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test func backupWritesACopyThatPassesTheCheckAndNeverOverwritesByAccident() async throws {
        let site = try await CLISite()
        try await site.register("ada@example.com")
        let copy = site.site.folder.appendingPathComponent("backup.sqlite").path
        let run = await site.lectern("db", "backup", copy, "--json")
        #expect(run.status == 0, "\(run.errors)")
        #expect((try run.object()["bytes"] as? Int ?? 0) > 0)
        #expect(!FileManager.default.fileExists(atPath: copy + "-wal"))

        let check = await site.lectern(["db", "check", "--db", copy], site: false)
        #expect(check.status == 0)
        let copied = await site.lectern(["user", "list", "--db", copy, "--json"], site: false)
        #expect(try copied.array().map { $0["email"] as? String } == ["ada@example.com"])

        let again = await site.lectern("db", "backup", copy)
        #expect(again.status == 1)
        #expect(again.errors.contains("already exists"))
        #expect(await site.lectern("db", "backup", copy, "--force").status == 0)
        let nowhere = await site.lectern("db", "backup", "/no/such/folder/b.sqlite")
        #expect(nowhere.status == 1)
        #expect(nowhere.errors.contains("does not exist"))
        let itself = await site.lectern("db", "backup", site.site.databasePath)
        #expect(itself.errors.contains("cannot be the database itself"))
    }

    @Test func checkReportsAForeignKeyProblemAndExitsNonZero() async throws {
        let site = try await CLISite()
        #expect(await site.lectern("db", "check").status == 0)
        let queue = try DatabaseQueue(path: site.site.databasePath)
        try await queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: "INSERT INTO enrolment (user_id, course_id, enrolled_at) VALUES (999, 1, '2026-01-01')")
        }
        try queue.close()
        let run = await site.lectern("db", "check", "--json")
        #expect(run.status == 1)
        let problems = try #require(try run.object()["problems"] as? [String])
        #expect(problems.contains { $0.contains("enrolment") && $0.contains("users") })
    }
}
