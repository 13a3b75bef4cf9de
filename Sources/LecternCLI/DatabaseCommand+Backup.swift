import ArgumentParser
import Foundation
import LecternCore
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
            let database = try site.openSQLite(migrate: false, doing: "`lectern db backup`")
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
            guard case .sqlite = try site.location else {
                throw fail("`lectern db restore` replaces a SQLite file; for PostgreSQL use its own tools (pg_restore)")
            }
            let fileManager = FileManager.default
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: archive, isDirectory: &isDirectory) else {
                throw fail("'\(archive)' does not exist: give the path of a file written by `lectern db backup`")
            }
            guard !isDirectory.boolValue else { throw fail("'\(archive)' is a folder: give the backup file itself") }
            // Where things really are: a symbolic link is followed (the files behind it are replaced, on their own
            // disk), and a trailing slash or a relative path cannot change where the copies are kept.
            let databasePath = Self.real(site.databasePath)
            let databaseFolder = (databasePath as NSString).deletingLastPathComponent
            if !fileManager.fileExists(atPath: databaseFolder), !dryRun.dryRun {
                do {
                    try fileManager.createDirectory(atPath: databaseFolder, withIntermediateDirectories: true)
                } catch {
                    throw fail("cannot create the folder '\(databaseFolder)' for the database: \(error.localizedDescription)")
                }
            }
            var lock: ServingLock?
            if fileManager.fileExists(atPath: databaseFolder) {
                do {
                    lock = try ServingLock.acquire(databasePath: databasePath, exclusive: true)
                } catch {
                    let problem: String
                    switch error.reason {
                    case .serverRunning: problem = "a server is using \(site.databasePath): stop every `lectern serve` on it, then run the restore again"
                    case .restoreRunning: problem = "another restore of \(site.databasePath) is under way: wait for it to end"
                    case .cannotOpen(let reason): problem = "cannot take the lock '\(error.path)' beside the database: \(reason)"
                    }
                    // A dry run checks the backup all the same: that is what it is for, before stopping the site.
                    guard dryRun.dryRun else { throw fail(problem + " (nothing was changed)") }
                    warn("lectern: note: \(problem)")
                }
            }
            try withExtendedLifetime(lock) { try restore(databasePath: databasePath, holdingLock: lock != nil) }
        }

        /// The absolute path with symbolic links resolved (of the parent when the file does not exist yet).
        static func real(_ path: String) -> String {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            if FileManager.default.fileExists(atPath: url.path) { return url.resolvingSymlinksInPath().path }
            return url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent).path
        }

        private func restore(databasePath: String, holdingLock: Bool) throws {
            let fileManager = FileManager.default
            let databaseFolder = (databasePath as NSString).deletingLastPathComponent
            let process = ProcessInfo.processInfo.processIdentifier
            let base = fileManager.fileExists(atPath: databaseFolder) ? databaseFolder : NSTemporaryDirectory()
            // An earlier restore that was killed leaves its unpacked copy: only this one runs now (the lock), so go.
            if holdingLock, let names = try? fileManager.contentsOfDirectory(atPath: base) {
                for name in names where name.hasPrefix(".lectern-restore-") { try? fileManager.removeItem(atPath: base + "/" + name) }
            }
            let staging = base + "/.lectern-restore-\(process)"
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
            var parts = [Part(name: "database", target: databasePath)]
            for (name, target) in [(SiteArchive.contentName, site.contentPath), (SiteArchive.publicName, publicFolder.path)]
            where fileManager.fileExists(atPath: staging + "/" + name) {
                parts.append(Part(name: name, target: Self.real(target), files: SiteArchive.fileCount(staging + "/" + name)))
            }
            for index in parts.indices where fileManager.fileExists(atPath: parts[index].target) {
                // Never onto an earlier copy: two restores within a second get -2, -3, …
                var kept = parts[index].target + ".before-restore-" + stamp
                var attempt = 1
                while fileManager.fileExists(atPath: kept) {
                    attempt += 1
                    kept = parts[index].target + ".before-restore-\(stamp)-\(attempt)"
                }
                parts[index].keptAs = kept
            }
            if !dryRun.dryRun {
                if fileManager.fileExists(atPath: databasePath) {
                    do {
                        try LecternDatabase.settleForReplacement(path: databasePath)
                    } catch {
                        throw fail("the database \(site.databasePath) \(error.reason) (nothing was changed)")
                    }
                }
                try replace(parts, from: staging)
            }
            try report(parts, inspection: inspection, manifest: manifest)
        }

        /// Puts each part in place so that its path is never empty for longer than one rename: the part is first moved
        /// beside its target (a copy when that is another disk, while the site's files are untouched), then the old
        /// one is set aside and the new one renamed in. The database goes last and in one step: the old file is kept
        /// by a hard link and the new one renamed over it, so a restore killed at any moment leaves a whole database.
        private func replace(_ parts: [Part], from staging: String) throws {
            let fileManager = FileManager.default
            let process = ProcessInfo.processInfo.processIdentifier
            var undo: [(from: String, to: String)] = []
            var step = ""
            do {
                for part in parts.sorted(by: { $1.name == "database" && $0.name != "database" }) {
                    step = part.target
                    let source = staging + "/" + (part.name == "database" ? SiteArchive.databaseName : part.name)
                    let incoming = part.target + ".restoring-\(process)"
                    try? fileManager.removeItem(atPath: incoming)
                    try fileManager.moveItem(atPath: source, toPath: incoming)
                    if part.keptAs != nil { Self.matchOwner(of: incoming, to: part.target) }
                    if part.name == "database" {
                        if let kept = part.keptAs {
                            guard link(part.target, kept) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                        }
                        guard rename(incoming, part.target) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                        // Emptied by the checkpoint, and of the old file: the new one starts without them.
                        for suffix in ["-wal", "-shm"] { unlink(part.target + suffix) }
                    } else {
                        if let kept = part.keptAs {
                            guard rename(part.target, kept) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                            undo.append((kept, part.target))
                        }
                        guard rename(incoming, part.target) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                    }
                }
            } catch {
                // Each folder already replaced goes back: the restored one aside first, then the old one in its place.
                var lost: [String] = []
                for move in undo.reversed() {
                    rename(move.to, move.to + ".failed-restore-\(process)")
                    if rename(move.from, move.to) != 0 { lost.append("\(move.to) is at \(move.from)") }
                }
                for part in parts { try? fileManager.removeItem(atPath: part.target + ".restoring-\(process)") }
                let outcome = lost.isEmpty ? "what was moved was put back" : "could not put back: " + lost.joined(separator: "; ")
                throw fail("the restore could not replace '\(step)': \(error.localizedDescription) (\(outcome))")
            }
        }

        /// Run as root (as a restore often is), the restored files take the owner and mode of what they replace, so
        /// the service's user can still write its database and nobody else can read it.
        private static func matchOwner(of incoming: String, to existing: String) {
            var info = stat()
            guard getuid() == 0, stat(existing, &info) == 0 else { return }
            let paths = [incoming] + (FileManager.default.subpaths(atPath: incoming) ?? []).map { incoming + "/" + $0 }
            for path in paths { _ = lchown(path, info.st_uid, info.st_gid) }
            if info.st_mode & S_IFMT == S_IFREG { _ = chmod(incoming, info.st_mode & 0o7777) }
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
