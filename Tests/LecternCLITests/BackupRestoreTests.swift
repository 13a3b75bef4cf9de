import Foundation
import GRDB
import LecternCLI
import LecternCore
import LecternStore
import Testing

/// `lectern db backup <file>.tar.gz --with-content` and `lectern db restore`: one file brings the whole site back.
@Suite struct BackupRestoreTests {
    /// A site with one account, a Public/ folder with one file, and an archive of all of it.
    private func archivedSite() async throws -> (site: CLISite, archive: String, publicFolder: String) {
        let site = try await CLISite()
        try await site.register("ada@example.com")
        let publicFolder = site.site.folder.appendingPathComponent("Public").path
        try FileManager.default.createDirectory(atPath: publicFolder + "/images", withIntermediateDirectories: true)
        try Data("logo".utf8).write(to: URL(fileURLWithPath: publicFolder + "/images/logo.svg"))
        let archive = site.site.folder.appendingPathComponent("site.tar.gz").path
        let run = await site.lectern("db", "backup", archive, "--with-content", "--public", publicFolder, "--json")
        #expect(run.status == 0, "\(run.errors)")
        #expect((try run.object()["contains"] as? [String])?.count == 3)
        return (site, archive, publicFolder)
    }

    private func emails(_ site: CLISite) async throws -> [String?] {
        try await site.lectern("user", "list", "--json").array().map { $0["email"] as? String }
    }

    @Test func restoreBringsBackTheDatabaseContentAndPublicFilesAndKeepsWhatItReplaced() async throws {
        let (site, archive, publicFolder) = try await archivedSite()
        try await site.register("bob@example.com")
        try site.site.remove("posts/hello.md")
        try FileManager.default.removeItem(atPath: publicFolder + "/images/logo.svg")

        let dry = await site.lectern("db", "restore", archive, "--public", publicFolder, "--dry-run")
        #expect(dry.status == 0, "\(dry.errors)")
        #expect(dry.output.contains("Would restore the database (1 user, 1 post, 1 course"), "\(dry.output)")
        #expect(dry.output.contains("Dry run: nothing was changed."))
        let before = try await emails(site)
        #expect(before.count == 2, "\(before)")

        let run = await site.lectern("db", "restore", archive, "--public", publicFolder, "--json")
        #expect(run.status == 0, "\(run.errors)")
        let restored = try #require(try run.object()["restored"] as? [[String: Any]])
        #expect(restored.map { $0["name"] as? String } == ["database", "Content", "Public"])
        #expect(try await emails(site) == ["ada@example.com"])
        #expect(FileManager.default.fileExists(atPath: site.site.content.appendingPathComponent("posts/hello.md").path))
        #expect(FileManager.default.fileExists(atPath: publicFolder + "/images/logo.svg"))
        #expect(await site.lectern("db", "check").status == 0)
        // What was replaced is kept beside it, never deleted.
        for part in restored {
            let kept = try #require(part["kept_as"] as? String)
            #expect(FileManager.default.fileExists(atPath: kept), "\(kept)")
        }
        let keptDatabase = try #require(restored.first?["kept_as"] as? String)
        let kept = await site.lectern(["user", "list", "--db", keptDatabase, "--json"], site: false)
        #expect(try kept.array().count == 2)
    }

    @Test func aPlainCopyRestoresTheDatabaseOnly() async throws {
        let site = try await CLISite()
        try await site.register("ada@example.com")
        let copy = site.site.folder.appendingPathComponent("copy.sqlite").path
        #expect(await site.lectern("db", "backup", copy).status == 0)
        try await site.register("bob@example.com")
        let run = await site.lectern("db", "restore", copy)
        #expect(run.status == 0, "\(run.errors)")
        #expect(!run.output.contains("Content/"))
        #expect(try await emails(site) == ["ada@example.com"])
    }

    @Test func restoreRefusesWhileAServerUsesTheDatabase() async throws {
        let (site, archive, publicFolder) = try await archivedSite()
        try await site.register("bob@example.com")
        do {
            let server = try ServingLock.acquire(databasePath: site.site.databasePath, exclusive: false)
            let run = await site.lectern("db", "restore", archive, "--public", publicFolder)
            #expect(run.status == 1)
            #expect(run.errors.contains("a server is using"), "\(run.errors)")
            #expect(try await emails(site).count == 2)
            withExtendedLifetime(server) {}
        }
        // And a server does not start while a restore holds the lock. On a database of its own: a process another test
        // starts at the moment the lock above is held keeps a copy of it until that process execs, however briefly.
        let other = site.site.folder.appendingPathComponent("other.sqlite").path
        let restore = try ServingLock.acquire(databasePath: other, exclusive: true)
        let refused = #expect(throws: ServingLockError.self) { try ServingLock.acquire(databasePath: other, exclusive: false) }
        #expect(refused?.reason == .restoreRunning)
        withExtendedLifetime(restore) {}
    }

    @Test func restoreRefusesACopyFromANewerVersionOrADamagedOneAndChangesNothing() async throws {
        let site = try await CLISite()
        try await site.register("ada@example.com")
        let newer = site.site.folder.appendingPathComponent("newer.sqlite").path
        let damaged = site.site.folder.appendingPathComponent("damaged.sqlite").path
        #expect(await site.lectern("db", "backup", newer).status == 0)
        #expect(await site.lectern("db", "backup", damaged).status == 0)
        try await site.register("bob@example.com")
        let queue = try DatabaseQueue(path: newer)
        try await queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('2099-01-01-from-the-future')") }
        try queue.close()
        let broken = try DatabaseQueue(path: damaged)
        try await broken.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: "INSERT INTO enrolment (user_id, course_id, enrolled_at) VALUES (999, 1, '2026-01-01')")
        }
        try broken.close()

        let fromTheFuture = await site.lectern("db", "restore", newer, "--json")
        #expect(fromTheFuture.status == 1)
        #expect(fromTheFuture.errors.contains("newer version of Lectern"), "\(fromTheFuture.errors)")
        #expect(fromTheFuture.errors.hasPrefix("{"), "a JSON error with --json")
        let damagedRun = await site.lectern("db", "restore", damaged)
        #expect(damagedRun.status == 1)
        #expect(damagedRun.errors.contains("points at a missing users row"))
        #expect(damagedRun.errors.contains("has 1 problem"))
        #expect(try await emails(site).count == 2)
        let notSQLite = site.site.folder.appendingPathComponent("notes.sqlite").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: notSQLite))
        let foreign = await site.lectern("db", "restore", notSQLite)
        #expect(foreign.errors.contains("is not a SQLite database"), "\(foreign.errors)")
        #expect(await site.lectern("db", "restore", "/no/such/backup.tar.gz").errors.contains("does not exist"))
    }

    @Test func restoreRefusesAnArchiveThatIsNotALecternBackupBeforeUnpackingIt() async throws {
        let site = try await CLISite()
        let folder = site.site.folder.appendingPathComponent("evil").path
        try FileManager.default.createDirectory(atPath: folder + "/Content", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: site.site.folder.appendingPathComponent("evil/../evil-sibling").path))
        // A manifest as a real backup has it, so that only what the test names can be the reason for refusing.
        try Data(#"{"format": 1, "created_at": "2026-12-01T10:00:00Z", "migrations": [], "content": true, "public": false}"#.utf8)
            .write(to: URL(fileURLWithPath: folder + "/lectern-backup.json"))
        try FileManager.default.createSymbolicLink(atPath: folder + "/Content/passwd", withDestinationPath: "/etc/passwd")
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/notes.txt"))
        func tarball(_ name: String, _ members: [String]) throws -> String {
            let path = site.site.folder.appendingPathComponent(name).path
            let run = try ChildProcess.run("/usr/bin/tar", ["-czf", path, "-C", folder, "--absolute-names"] + members)
            #expect(run.status == 0, "\(run.errors)")
            return path
        }
        let stray = await site.lectern("db", "restore", try tarball("stray.tar.gz", ["lectern-backup.json", "notes.txt"]))
        #expect(stray.errors.contains("is not a Lectern backup: it holds 'notes.txt'"), "\(stray.errors)")
        let link = await site.lectern("db", "restore", try tarball("link.tar.gz", ["lectern-backup.json", "Content"]))
        #expect(link.errors.contains("which is a link"), "\(link.errors)")
        let outside = await site.lectern("db", "restore", try tarball("outside.tar.gz", ["lectern-backup.json", "../evil-sibling"]))
        #expect(outside.status == 1 && outside.errors.contains("is not a Lectern backup"), "\(outside.errors)")
        let gzip = site.site.folder.appendingPathComponent("plain.tar.gz").path
        try Data("not gzip".utf8).write(to: URL(fileURLWithPath: gzip))
        #expect(await site.lectern("db", "restore", gzip).errors.contains("is not a .tar.gz archive"))
        #expect(FileManager.default.fileExists(atPath: site.site.databasePath))
        #expect(!FileManager.default.fileExists(atPath: site.site.content.appendingPathComponent("passwd").path))
    }

    @Test func hardLinksTrailingSlashesAndADryRunBesideARunningServerAllWork() async throws {
        let site = try await CLISite()
        try await site.register("ada@example.com")
        let publicFolder = site.site.folder.appendingPathComponent("Public").path
        try FileManager.default.createDirectory(atPath: publicFolder, withIntermediateDirectories: true)
        try Data("logo".utf8).write(to: URL(fileURLWithPath: publicFolder + "/logo.svg"))
        #expect(link(publicFolder + "/logo.svg", publicFolder + "/logo-copy.svg") == 0)
        let archive = site.site.folder.appendingPathComponent("site.tar.gz").path
        #expect(await site.lectern("db", "backup", archive, "--with-content", "--public", publicFolder).status == 0)
        var info = stat()
        #expect(stat(archive, &info) == 0 && info.st_mode & 0o777 == 0o600, "the archive holds password hashes: its owner's only")

        do {
            let server = try ServingLock.acquire(databasePath: site.site.databasePath, exclusive: false)
            let dry = await site.lectern("db", "restore", archive, "--public", publicFolder, "--dry-run")
            #expect(dry.status == 0, "\(dry.errors)")
            #expect(dry.errors.contains("note: a server is using"))
            withExtendedLifetime(server) {}
        }
        let run = await site.lectern(["db", "restore", archive, "--public", publicFolder + "/", "--json"])
        #expect(run.status == 0, "\(run.errors)")
        let restored = try #require(try run.object()["restored"] as? [[String: Any]])
        let keptPublic = try #require(restored.last?["kept_as"] as? String)
        #expect(keptPublic.hasPrefix(publicFolder + ".before-restore-"), "beside the folder, not inside it: \(keptPublic)")
        #expect(FileManager.default.fileExists(atPath: publicFolder + "/logo-copy.svg"))
        #expect(await site.lectern("db", "check").status == 0)
    }

    @Test func withContentNeedsAnArchiveName() async throws {
        let site = try await CLISite()
        let run = await site.lectern("db", "backup", site.site.folder.appendingPathComponent("copy.sqlite").path, "--with-content")
        #expect(run.status == 1)
        #expect(run.errors.contains("name the file like"))
        let missing = await site.lectern(
            "db", "backup", site.site.folder.appendingPathComponent("s.tar.gz").path, "--with-content", "--public", "/no/such/Public")
        #expect(missing.errors.contains("the folder '/no/such/Public' does not exist: check --public"))
    }
}
