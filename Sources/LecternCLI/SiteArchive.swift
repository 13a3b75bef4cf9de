import Foundation
import LecternCore
import LecternStore

#if canImport(Glibc)
    import Glibc
#endif

/// A site backup as one `.tar.gz`: `lectern-backup.json`, `database.sqlite` (an online-backup copy) and, when asked,
/// `Content/` and `Public/`. Written and read with the system's tar, which every Debian machine has.
enum SiteArchive {
    static let manifestName = "lectern-backup.json"
    static let databaseName = "database.sqlite"
    static let contentName = "Content"
    static let publicName = "Public"

    /// Written first in the archive: what it holds, so `db restore` can tell a Lectern backup from any other tarball.
    struct Manifest: Codable {
        var format = 1
        var createdAt: Date
        var migrations: [String]
        var content: Bool
        var `public`: Bool
    }

    static func isArchiveName(_ path: String) -> Bool { path.hasSuffix(".tar.gz") || path.hasSuffix(".tgz") }

    /// Writes the archive beside `destination` and renames it into place only when complete.
    static func write(to destination: String, database: LecternDatabase, content: String?, public: String?) async throws -> Int64 {
        let fileManager = FileManager.default
        let process = ProcessInfo.processInfo.processIdentifier
        let staging = destination + ".partial-\(process).d"
        let partial = destination + ".partial-\(process)"
        try? fileManager.removeItem(atPath: staging)
        try fileManager.createDirectory(atPath: staging, withIntermediateDirectories: false)
        defer {
            // The links first, so removing the folder can never reach the site's own files.
            for name in [contentName, publicName] { unlink(staging + "/" + name) }
            try? fileManager.removeItem(atPath: staging)
            try? fileManager.removeItem(atPath: partial)
        }
        _ = try await database.backup(to: staging + "/" + databaseName)
        let manifest = Manifest(
            createdAt: Date(), migrations: try await database.migrationStatus().applied, content: content != nil, public: `public` != nil)
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: staging + "/" + manifestName))
        var members = [manifestName, databaseName]
        // Links to the folders, archived with --dereference: the archive holds their files under fixed names,
        // whatever the folders are called here, and never a link.
        for (name, folder) in [(contentName, content), (publicName, `public`)] {
            guard let folder else { continue }
            try fileManager.createSymbolicLink(atPath: staging + "/" + name, withDestinationPath: absolute(folder))
            members.append(name)
        }
        // Created readable by its owner only: it holds every account's password hash. Hard links are archived as the
        // files they are, so a restore never meets a link.
        let created = open(partial, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard created >= 0 else { throw ArchiveError("cannot create '\(partial)': \(String(cString: strerror(errno)))") }
        close(created)
        let tar = try run(["--create", "--gzip", "--dereference", "--hard-dereference", "--file", partial, "--directory", staging] + members)
        guard tar.status == 0 else { throw ArchiveError("tar could not write the archive: \(firstLine(tar.errors))") }
        guard rename(partial, destination) == 0 else { throw ArchiveError("could not move the archive into place: \(String(cString: strerror(errno)))") }
        return ((try? fileManager.attributesOfItem(atPath: destination))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// Checks every member (plain files and folders, under the names a backup has, nothing outside the folder) and
    /// only then extracts the archive into `folder`.
    static func extract(_ archive: String, into folder: String) throws -> Manifest {
        let listing = try run(["--list", "--verbose", "--gzip", "--file", archive])
        let names = try run(["--list", "--gzip", "--file", archive])
        guard listing.status == 0, names.status == 0 else {
            throw ArchiveError("'\(archive)' is not a .tar.gz archive (tar says: \(firstLine(listing.errors + names.errors)))")
        }
        let types = listing.output.split(separator: "\n").map { $0.first ?? "?" }
        let members = names.output.split(separator: "\n").map(String.init)
        guard types.count == members.count else { throw ArchiveError("'\(archive)' has member names tar cannot list one per line") }
        let allowed: Set = [manifestName, databaseName, contentName, publicName]
        for (type, member) in zip(types, members) {
            let name = member.hasPrefix("./") ? String(member.dropFirst(2)) : member
            if name.isEmpty, type == "d" { continue }  // "./" itself, in an archive made with `tar -C folder .`
            let parts = name.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            guard !name.hasPrefix("/"), !parts.contains(".."), let top = parts.first, allowed.contains(top) else {
                throw ArchiveError("'\(archive)' is not a Lectern backup: it holds '\(member)'")
            }
            guard type == "-" || type == "d" else {
                throw ArchiveError("'\(archive)' holds '\(member)', which is a link or a special file: a Lectern backup holds only files and folders")
            }
        }
        guard members.contains(where: { $0 == manifestName || $0 == "./" + manifestName }) else {
            throw ArchiveError("'\(archive)' is not a Lectern backup: it has no \(manifestName) (make one with `lectern db backup <file>.tar.gz`)")
        }
        let tar = try run(["--extract", "--gzip", "--file", archive, "--directory", folder, "--no-same-owner", "--no-same-permissions"])
        guard tar.status == 0 else { throw ArchiveError("tar could not extract '\(archive)': \(firstLine(tar.errors))") }
        // What was unpacked, checked again on disk (the archive could have changed since it was listed): plain files
        // with one link and folders only, each top-level name of the kind a backup has.
        try checkUnpacked(folder, archive: archive)
        let manifest: Manifest
        do {
            manifest = try decoder.decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/" + manifestName)))
        } catch {
            throw ArchiveError("'\(archive)' has a \(manifestName) this version cannot read: \(error.localizedDescription)")
        }
        guard manifest.format == 1 else {
            throw ArchiveError("'\(archive)' is a backup of format \(manifest.format), newer than this version reads: upgrade lectern")
        }
        guard FileManager.default.fileExists(atPath: folder + "/" + databaseName) else {
            throw ArchiveError("'\(archive)' has no \(databaseName): it is damaged or was not made by `lectern db backup`")
        }
        return manifest
    }

    private static func checkUnpacked(_ folder: String, archive: String) throws {
        func kind(_ path: String) -> (mode: mode_t, links: Int)? {
            var info = stat()
            guard lstat(path, &info) == 0 else { return nil }
            return (info.st_mode & S_IFMT, Int(info.st_nlink))
        }
        let expected: [String: mode_t] = [manifestName: S_IFREG, databaseName: S_IFREG, contentName: S_IFDIR, publicName: S_IFDIR]
        for (name, mode) in expected {
            guard let found = kind(folder + "/" + name) else { continue }
            guard found.mode == mode else {
                throw ArchiveError("'\(archive)' is not a Lectern backup: '\(name)' is a \(mode == S_IFDIR ? "file" : "folder") in it")
            }
        }
        guard let walk = FileManager.default.enumerator(atPath: folder) else { return }
        for case let path as String in walk {
            guard let found = kind(folder + "/" + path) else { continue }
            let plainFile = found.mode == S_IFREG && found.links == 1
            guard plainFile || found.mode == S_IFDIR else {
                throw ArchiveError("'\(archive)' holds '\(path)', which is a link or a special file: a Lectern backup holds only files and folders")
            }
        }
    }

    /// The number of files under `folder`, for the summaries.
    static func fileCount(_ folder: String) -> Int {
        guard let files = FileManager.default.enumerator(atPath: folder) else { return 0 }
        var count = 0
        for case let path as String in files {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue { count += 1 }
        }
        return count
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    private static func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        guard let tar = ["/usr/bin/tar", "/bin/tar"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ArchiveError("tar is not installed (apt-get install tar gzip)")
        }
        // The C locale keeps `--list --verbose` in the form parsed above.
        return try ChildProcess.run(tar, arguments, environment: ["LC_ALL": "C", "PATH": "/usr/bin:/bin"])
    }

    private static func firstLine(_ text: String) -> String {
        text.split(separator: "\n").first.map(String.init) ?? "no reason given"
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}

/// A backup archive cannot be written or read; the message is one line meant for the operator.
struct ArchiveError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
