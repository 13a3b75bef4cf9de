import ArgumentParser
import Foundation
import LecternStore

#if canImport(Glibc)
    import Glibc
#endif

/// `--public`: the folder of static files, for the commands that serve or archive it.
struct PublicFolderOption: ParsableArguments {
    @Option(name: .customLong("public"), help: ArgumentHelp("Folder of static files (env LECTERN_PUBLIC).", valueName: "path"))
    var folder: String?

    var path: String { folder ?? Environment.value("LECTERN_PUBLIC") ?? "Public" }
}

extension DatabaseCommand {
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a consistent copy of the database (and with --with-content, of Content/ and Public/), even while the server is writing.",
            discussion: """
                Uses SQLite's online backup: the copy is self-contained (no -wal beside it) and is renamed into place \
                only when complete. A name ending in .tar.gz writes an archive that `lectern db restore` reads; \
                --with-content adds Content/ and Public/ to it, so one file brings the whole site back.

                Examples:
                  lectern db backup backups/site-$(date +%F).tar.gz --with-content
                  lectern db backup backups/lectern-$(date +%F).sqlite
                  lectern db backup /tmp/copy.sqlite --force
                """
        )

        @OptionGroup var site: SiteOptions
        @OptionGroup var publicFolder: PublicFolderOption

        @Argument(help: ArgumentHelp("Where to write the copy: a .sqlite file, or a .tar.gz archive.", valueName: "file"))
        var file: String

        @Flag(name: .long, help: "Also archive Content/ and Public/ (the file must end in .tar.gz).")
        var withContent = false

        @Flag(name: .long, help: "Replace the file if it exists.")
        var force = false

        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let archive = SiteArchive.isArchiveName(file)
            guard archive || !withContent else {
                throw fail("--with-content writes one .tar.gz archive: name the file like backups/site-$(date +%F).tar.gz")
            }
            try checkDestination()
            if withContent {
                for (folder, option) in [(site.contentPath, "--content (or LECTERN_CONTENT)"), (publicFolder.path, "--public (or LECTERN_PUBLIC)")] {
                    var isDirectory: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                        throw fail("the folder '\(folder)' does not exist: check \(option)")
                    }
                }
            }
            let database = try site.openDatabase(migrate: false)
            let started = Date()
            var bytes: Int64 = 0
            if !dryRun.dryRun {
                do {
                    if archive {
                        bytes = try await SiteArchive.write(
                            to: file, database: database, content: withContent ? site.contentPath : nil, public: withContent ? publicFolder.path : nil)
                    } else {
                        bytes = try await database.backup(to: file)
                    }
                } catch let error as ArchiveError {
                    throw fail("the backup to '\(file)' failed: \(error.description)")
                } catch {
                    throw fail("the backup to '\(file)' failed: \(error.localizedDescription)")
                }
            }
            let seconds = Date().timeIntervalSince(started)
            let parts = ["the database"] + (withContent ? ["\(site.contentPath)/", "\(publicFolder.path)/"] : [])
            if output.json {
                struct JSON: Encodable {
                    var source: String
                    var backup: String
                    var contains: [String]
                    var bytes: Int64
                    var seconds: Double
                    var dryRun: Bool
                }
                return try sayJSON(
                    JSON(source: site.databasePath, backup: file, contains: parts, bytes: bytes, seconds: seconds, dryRun: dryRun.dryRun))
            }
            let what = withContent ? "\(site.databasePath), \(site.contentPath)/ and \(publicFolder.path)/" : site.databasePath
            if dryRun.dryRun {
                say("Would copy \(what) to \(file).")
            } else {
                let size = ByteCountFormatter.string(fromByteCount: bytes, countStyle: .file)
                say("Copied \(what) to \(file) (\(size) in \(String(format: "%.2f", seconds)) s).")
            }
            dryRun.sayNothingChanged()
        }

        private func checkDestination() throws {
            let fileManager = FileManager.default
            let source = URL(fileURLWithPath: site.databasePath).standardizedFileURL.path
            let target = URL(fileURLWithPath: file).standardizedFileURL.path
            guard source != target else { throw fail("the backup cannot be the database itself: choose another file") }
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: file, isDirectory: &isDirectory) {
                guard !isDirectory.boolValue else {
                    throw fail("'\(file)' is a folder: give the name of the file to write, such as \(file)/lectern.sqlite")
                }
                guard force else { throw fail("'\(file)' already exists: choose another name, or add --force to replace it") }
            }
            let folder = (target as NSString).deletingLastPathComponent
            guard fileManager.fileExists(atPath: folder) else { throw fail("cannot write '\(file)': the folder '\(folder)' does not exist") }
            guard fileManager.isWritableFile(atPath: folder) else { throw fail("cannot write '\(file)': the folder '\(folder)' is not writable") }
            if withContent {
                for content in [site.contentPath, publicFolder.path] {
                    let inside = URL(fileURLWithPath: content).standardizedFileURL.path + "/"
                    guard !target.hasPrefix(inside) else {
                        throw fail("the archive cannot be written inside '\(content)', which it archives: choose a file outside it")
                    }
                }
            }
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring back a site from a backup: checks it, then replaces the database (and Content/ and Public/ when the archive has them).",
            discussion: """
                Reads an archive made by `lectern db backup <file>.tar.gz` or a plain .sqlite copy. Before changing \
                anything it checks the copy (SQLite's integrity and foreign-key checks, the search index) and that \
                its schema is no newer than this version. Stop every server using the database first: the restore \
                refuses while one runs. What it replaces is kept beside it, named <name>.before-restore-<time>.

                Examples:
                  lectern db restore backups/site-2026-12-01.tar.gz --dry-run
                  lectern db restore backups/site-2026-12-01.tar.gz
                  lectern db restore backups/lectern-2026-12-01.sqlite
                """
        )

        @OptionGroup var site: SiteOptions
        @OptionGroup var publicFolder: PublicFolderOption

        @Argument(help: ArgumentHelp("The backup: a .tar.gz archive or a .sqlite copy.", valueName: "archive"))
        var archive: String

        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        /// One thing the restore replaces.
        struct Part: Encodable {
            var name: String
            var target: String
            var keptAs: String?
            var files: Int?
        }

        func run() async throws {
            let fileManager = FileManager.default
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: archive, isDirectory: &isDirectory) else {
                throw fail("'\(archive)' does not exist: give the path of a file written by `lectern db backup`")
            }
            guard !isDirectory.boolValue else { throw fail("'\(archive)' is a folder: give the backup file itself") }
            let databaseFolder = (URL(fileURLWithPath: site.databasePath).standardizedFileURL.path as NSString).deletingLastPathComponent
            if !fileManager.fileExists(atPath: databaseFolder) {
                guard !dryRun.dryRun else { return try restore(lock: nil, databaseFolder: databaseFolder) }
                do {
                    try fileManager.createDirectory(atPath: databaseFolder, withIntermediateDirectories: true)
                } catch {
                    throw fail("cannot create the folder '\(databaseFolder)' for the database: \(error.localizedDescription)")
                }
            }
            let lock: ServingLock
            do {
                lock = try ServingLock.acquire(databasePath: site.databasePath, exclusive: true)
            } catch {
                switch error.reason {
                case .serverRunning:
                    throw fail(
                        "a server is using \(site.databasePath): stop every `lectern serve` on it, then run the restore again (nothing was changed)")
                case .restoreRunning:
                    throw fail("another restore of \(site.databasePath) is under way: wait for it to end (nothing was changed)")
                case .cannotOpen(let reason):
                    throw fail("cannot take the lock '\(error.path)' beside the database: \(reason) (nothing was changed)")
                }
            }
            try withExtendedLifetime(lock) { try restore(lock: lock, databaseFolder: databaseFolder) }
        }

        private func restore(lock: ServingLock?, databaseFolder: String) throws {
            let fileManager = FileManager.default
            let staging = (fileManager.fileExists(atPath: databaseFolder) ? databaseFolder : NSTemporaryDirectory())
                + "/.lectern-restore-\(ProcessInfo.processInfo.processIdentifier)"
            try? fileManager.removeItem(atPath: staging)
            do {
                try fileManager.createDirectory(atPath: staging, withIntermediateDirectories: true)
            } catch {
                throw fail("cannot create a folder beside the database to unpack the backup: \(error.localizedDescription)")
            }
            defer { try? fileManager.removeItem(atPath: staging) }

            var manifest: SiteArchive.Manifest?
            let copy = staging + "/" + SiteArchive.databaseName
            if SiteArchive.isArchiveName(archive) {
                do {
                    manifest = try SiteArchive.extract(archive, into: staging)
                } catch let error as ArchiveError {
                    throw fail("\(error.description) (nothing was changed)")
                }
            } else {
                do {
                    try fileManager.copyItem(atPath: archive, toPath: copy)
                } catch {
                    throw fail("cannot read '\(archive)': \(error.localizedDescription)")
                }
            }
            let inspection: BackupInspection
            do {
                inspection = try LecternDatabase.inspectBackup(path: copy)
            } catch {
                throw fail("the database in '\(archive)' \(error.reason) (nothing was changed)")
            }
            guard inspection.problems.isEmpty else {
                for problem in inspection.problems { warn(problem) }
                let count = inspection.problems.count
                throw fail("the database in '\(archive)' has \(Counted.text(count, "problem")), listed above: restore another backup (nothing was changed)")
            }

            let stamp = Self.stamp()
            var parts = [Part(name: "database", target: site.databasePath)]
            for (name, target) in [(SiteArchive.contentName, site.contentPath), (SiteArchive.publicName, publicFolder.path)]
            where fileManager.fileExists(atPath: staging + "/" + name) {
                parts.append(Part(name: name, target: target, files: SiteArchive.fileCount(staging + "/" + name)))
            }
            for index in parts.indices where fileManager.fileExists(atPath: parts[index].target) {
                // Never onto an earlier copy: two restores within a second get -2, -3, …
                var kept = parts[index].target + ".before-restore-" + stamp
                var attempt = 1
                while fileManager.fileExists(atPath: kept) || fileManager.fileExists(atPath: kept + "-wal") {
                    attempt += 1
                    kept = parts[index].target + ".before-restore-\(stamp)-\(attempt)"
                }
                parts[index].keptAs = kept
            }
            if !dryRun.dryRun {
                try replace(parts, from: staging)
            }
            try report(parts, inspection: inspection, manifest: manifest)
        }

        /// Moves what is there aside and the backup's parts into place; on a failure, puts back what was moved.
        private func replace(_ parts: [Part], from staging: String) throws {
            let fileManager = FileManager.default
            var undo: [(from: String, to: String)] = []
            func move(_ source: String, _ destination: String) throws {
                try fileManager.moveItem(atPath: source, toPath: destination)
                undo.append((destination, source))
            }
            var step = ""
            do {
                for part in parts {
                    step = part.target
                    let source = staging + "/" + (part.name == "database" ? SiteArchive.databaseName : part.name)
                    if let kept = part.keptAs {
                        try move(part.target, kept)
                        // The database's -wal holds writes not yet in the main file: it goes with it. The -shm is
                        // only an index of the -wal, rebuilt by SQLite.
                        if part.name == "database" {
                            if fileManager.fileExists(atPath: part.target + "-wal") { try move(part.target + "-wal", kept + "-wal") }
                            try? fileManager.removeItem(atPath: part.target + "-shm")
                        }
                    }
                    try move(source, part.target)
                }
            } catch {
                for step in undo.reversed() { try? fileManager.moveItem(atPath: step.from, toPath: step.to) }
                throw fail("the restore could not replace '\(step)': \(error.localizedDescription) (what was moved was put back)")
            }
        }

        private func report(_ parts: [Part], inspection: BackupInspection, manifest: SiteArchive.Manifest?) throws {
            if output.json {
                struct JSON: Encodable {
                    var archive: String
                    var createdAt: Date?
                    var restored: [Part]
                    var counts: [String: Int]
                    var pendingMigrations: [String]
                    var dryRun: Bool
                }
                return try sayJSON(
                    JSON(
                        archive: archive, createdAt: manifest?.createdAt, restored: parts, counts: inspection.counts,
                        pendingMigrations: inspection.pendingMigrations, dryRun: dryRun.dryRun))
            }
            let made = manifest.map { " (made \(ISO8601DateFormatter().string(from: $0.createdAt)))" } ?? ""
            say("\(archive)\(made) passed its checks: integrity ok, foreign keys ok, search index ok.")
            let counts = ["users", "posts", "courses", "enrolments", "certificates"].compactMap { name in
                inspection.counts[name].map { "\($0) \($0 == 1 ? String(name.dropLast()) : name)" }
            }
            let verb = dryRun.dryRun ? "Would restore" : "Restored"
            for part in parts {
                let what = part.name == "database" ? "the database (\(counts.joined(separator: ", ")))" : "\(part.name)/ (\(Counted.text(part.files ?? 0, "file")))"
                say("\(verb) \(what) to \(part.target)")
                if let kept = part.keptAs { say("  \(dryRun.dryRun ? "keeping" : "kept") the one there as \(kept)") }
            }
            if !inspection.pendingMigrations.isEmpty {
                let count = inspection.pendingMigrations.count
                say("The backup is from an older version: the server applies \(Counted.text(count, "migration")) when it starts (or run `lectern db migrate`).")
            }
            if !dryRun.dryRun, parts.contains(where: { $0.keptAs != nil }) {
                say("Start the server and check the site; then delete the .before-restore-* copies.")
            }
            dryRun.sayNothingChanged()
        }

        private static func stamp() -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyyMMdd-HHmmss"
            return formatter.string(from: Date())
        }
    }
}
