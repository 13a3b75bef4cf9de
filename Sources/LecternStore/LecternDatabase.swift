import Foundation
import GRDB

/// The SQLite database of one Lectern site: opened once per process, shared by every store.
public final class LecternDatabase: Sendable {
    /// `PRAGMA application_id` of every Lectern database ("LCTN"), so a foreign SQLite file is never mistaken for ours.
    public static let applicationID: Int32 = 0x4C43_544E

    public let path: String
    let pool: DatabasePool
    /// Read-only connections for `readHere`, apart from `pool` (see there why).
    let hotReaders: DatabasePool
    /// When set, every write runs in full (so every rule and constraint is checked) and is then rolled back.
    public let isDryRun: Bool

    private init(path: String, pool: DatabasePool, hotReaders: DatabasePool, isDryRun: Bool) {
        self.path = path
        self.pool = pool
        self.hotReaders = hotReaders
        self.isDryRun = isDryRun
    }

    /// Opens (or creates) the database at `path` and applies pending migrations.
    ///
    /// Refuses, without writing a byte, a file that is not SQLite, a SQLite file of another application,
    /// or a database written by a newer Lectern.
    /// With `dryRun`, writes are rolled back; a database that does not exist yet or still needs migrating is refused instead of being written.
    public static func open(path: String, migrate: Bool = true, dryRun: Bool = false) throws(DatabaseOpenError) -> LecternDatabase {
        let fileManager = FileManager.default
        let folder = Self.folder(of: path)
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw DatabaseOpenError(path: path, reason: "is a folder, not a database file") }
            guard fileManager.isReadableFile(atPath: path) else {
                throw DatabaseOpenError(path: path, reason: "cannot be read (check its permissions)")
            }
            // SQLite would only say "unable to open": name the cause. A read-only mount refuses even root.
            guard fileManager.isWritableFile(atPath: path) else {
                throw DatabaseOpenError(
                    path: path, reason: "is read-only (its permissions or a read-only file system): Lectern must write to it; it was left untouched")
            }
            // Beside the real file when the path is a symbolic link: that is where SQLite puts them.
            let realFolder = Self.folder(of: (path as NSString).resolvingSymlinksInPath)
            guard fileManager.isWritableFile(atPath: realFolder) else {
                throw DatabaseOpenError(
                    path: path,
                    reason: "is in a read-only folder '\(realFolder)': Lectern must create its -wal and -shm files beside it; it was left untouched")
            }
            try inspectExisting(path: path)
        } else if dryRun {
            throw DatabaseOpenError(path: path, reason: "does not exist yet (a dry run creates nothing; check --db)")
        } else {
            if !fileManager.fileExists(atPath: folder) {
                throw DatabaseOpenError(path: path, reason: "cannot be created: the folder '\(folder)' does not exist")
            }
            guard fileManager.isWritableFile(atPath: folder) else {
                throw DatabaseOpenError(path: path, reason: "cannot be created: the folder '\(folder)' is read-only")
            }
        }

        var configuration = Configuration()
        // Without a busy timeout the CLI and the server fail at once whenever the other one writes.
        configuration.busyMode = .timeout(5)
        configuration.foreignKeysEnabled = true
        configuration.label = "lectern"
        StatementLog.shared.instrument(&configuration, path: path)
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            var readers = configuration
            readers.readonly = true
            readers.label = "lectern-hot"
            // A reader that would wait for a lock gives up at once: `readHere` then waits off the event loop instead.
            // (GRDB gives pool readers a 10 s busy timeout and keeps the setting internal; this runs after it.)
            readers.prepareDatabase { db in try db.execute(sql: "PRAGMA busy_timeout = 0") }
            // Twice as many connections as threads can run tasks, so a `readHere` does not wait for one. They are
            // opened on demand: an idle server holds one or two.
            readers.maximumReaderCount = max(8, 2 * ProcessInfo.processInfo.activeProcessorCount)
            let database = LecternDatabase(
                path: path, pool: pool, hotReaders: try DatabasePool(path: path, configuration: readers), isDryRun: dryRun)
            if dryRun, migrate {
                let pending = try pool.read { db in try Self.pendingMigrations(db) }
                guard pending.isEmpty else {
                    throw DatabaseOpenError(
                        path: path, reason: "needs migrating first (\(pending.count) pending); run `lectern db migrate`, then repeat the dry run")
                }
            } else if migrate {
                try database.migrate()
            }
            return database
        } catch let error as DatabaseOpenError {
            throw error
        } catch let error as DatabaseError {
            throw DatabaseOpenError(path: path, reason: Self.explain(error, folder: folder))
        } catch {
            throw DatabaseOpenError(path: path, reason: "cannot be opened: \(error)")
        }
    }

    /// Applies the migrations this binary knows and has not yet applied.
    public func migrate() throws {
        let unknown = try pool.read { try Self.unknownMigrations($0) }
        guard unknown.isEmpty else { throw DatabaseOpenError(path: path, reason: Self.newerReason(unknown)) }
        try Migrations.migrator.migrate(pool)
    }

    /// Names of the migrations applied, and of those this binary would still apply.
    public func migrationStatus() async throws -> (applied: [String], pending: [String]) {
        try await pool.read { db in (try Migrations.migrator.appliedMigrations(db), try Self.pendingMigrations(db)) }
    }

    /// Runs `updates` in one immediate transaction, or rolls it back in a dry run. Writes that cannot change what
    /// visitors without an account see (sessions, view counts, mail) pass `changesPublicPages: false`, so cached
    /// public pages stay valid.
    func write<T: Sendable>(changesPublicPages: Bool = true, _ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            guard isDryRun else {
                defer {
                    if changesPublicPages { WriteGeneration.shared.advance() }
                    WriteGeneration.everyWrite.advance()
                }
                return try await pool.write { db in try Self.apply(updates, to: db, changesPublicPages: changesPublicPages) }
            }
            return try await pool.writeWithoutTransaction { db in try Self.rolledBack(db, updates) }
        } catch let error as DatabaseError {
            throw storageProblem(error)
        }
    }

    /// A storage failure as a `StorageUnavailableError` (so the web answers 503, not 500), any other error unchanged.
    private func storageProblem(_ error: DatabaseError) -> any Error {
        StorageUnavailableError(error, path: path) ?? error
    }

    /// Runs `updates`, then bumps the site revision (read by every server) when they can change a public page.
    private static func apply<T>(_ updates: (Database) throws -> T, to db: Database, changesPublicPages: Bool) throws -> T {
        let result = try updates(db)
        if changesPublicPages { try db.execute(sql: "UPDATE site_revision SET revision = revision + 1 WHERE id = 1") }
        return result
    }

    /// A short read run on the calling thread: GRDB's blocking `read`, whose `DispatchQueue.sync` runs it here. For
    /// the indexed reads of every page (microseconds in WAL mode, where readers do not wait for writers) this costs
    /// far less than the two thread hops of the async form: with it the signed-in course page answers 10,500 req/s,
    /// without it 3,900 (issue 13, BENCHMARKS.md). Long reads (search, lists, exports) stay async.
    ///
    /// Tasks run on the NIO event loops (see `Lectern.runTasksOnEventLoops`), so this blocks a loop for as long as
    /// the read takes; it must stay a point read. It never waits for a lock there: when SQLite says busy (crash
    /// recovery of the WAL, another process holding an exclusive lock), the read is done again the async way, which
    /// waits on GRDB's own threads. It uses connections of its own: an async read of `pool` gives its connection back
    /// only when its task runs again, so blocking threads to wait for one of those could deadlock the server
    /// (measured: two requests waiting, no thread left to finish the reads they waited for).
    func readHere<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try readBlocking(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            do {
                return try await pool.read(body)
            } catch let error as DatabaseError {
                throw storageProblem(error)
            }
        } catch let error as DatabaseError {
            throw storageProblem(error)
        }
    }

    /// GRDB's blocking `read` (from an async function, Swift would pick its async overload).
    private func readBlocking<T>(_ body: (Database) throws -> T) throws -> T {
        try hotReaders.read(body)
    }

    /// The revision of the public site, changed by any process's writes that can change a public page.
    public func siteRevision() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT revision FROM site_revision WHERE id = 1") ?? 0 }
    }

    /// Marks what this process has cached as possibly stale (after another process changed the site).
    public static func siteChangedElsewhere() {
        WriteGeneration.shared.advance()
    }

    /// The blocking form of `write`, for the content import (run at start-up and from the CLI).
    func writeNow<T>(_ updates: (Database) throws -> T) throws -> T {
        do {
            guard isDryRun else {
                defer {
                    WriteGeneration.shared.advance()
                    WriteGeneration.everyWrite.advance()
                }
                return try pool.write { db in try Self.apply(updates, to: db, changesPublicPages: true) }
            }
            return try pool.writeWithoutTransaction { db in try Self.rolledBack(db, updates) }
        } catch let error as DatabaseError {
            throw storageProblem(error)
        }
    }

    private static func rolledBack<T>(_ db: Database, _ updates: (Database) throws -> T) throws -> T {
        var result: T?
        try db.inTransaction(.immediate) {
            result = try updates(db)
            return .rollback
        }
        return result!
    }

    /// The read-only connections close first, so the last one to close is the writer, which checkpoints the WAL into
    /// the database file and removes it (a read-only connection cannot).
    deinit {
        try? hotReaders.close()
    }

    public func close() throws {
        try hotReaders.close()
        try pool.close()
    }

    // MARK: Refusing files that are not ours

    static func inspectExisting(path: String) throws(DatabaseOpenError) {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            try queue.read { db in
                let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                if tables == 0 { return }  // an empty file or database: ours to initialise
                guard applicationID == LecternDatabase.applicationID else {
                    throw DatabaseOpenError(
                        path: path, reason: "is a SQLite database of another application, not a Lectern database; it was left untouched")
                }
                let unknown = try unknownMigrations(db)
                guard unknown.isEmpty else { throw DatabaseOpenError(path: path, reason: newerReason(unknown)) }
            }
        } catch let error as DatabaseOpenError {
            throw error
        } catch let error as DatabaseError {
            throw DatabaseOpenError(path: path, reason: explain(error, folder: folder(of: path)))
        } catch {
            throw DatabaseOpenError(path: path, reason: "cannot be opened: \(error)")
        }
    }

    /// The folder holding `path` ("." for a bare file name): where SQLite creates the -wal and -shm files.
    private static func folder(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    static func pendingMigrations(_ db: Database) throws -> [String] {
        let applied = Set(try Migrations.migrator.appliedMigrations(db))
        return Migrations.migrator.migrations.filter { !applied.contains($0) }
    }

    private static func unknownMigrations(_ db: Database) throws -> [String] {
        guard try db.tableExists("grdb_migrations") else { return [] }
        let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        let known = Set(Migrations.migrator.migrations)
        return applied.filter { !known.contains($0) }
    }

    private static func newerReason(_ unknown: [String]) -> String {
        "was written by a newer version of Lectern (unknown migration\(unknown.count == 1 ? "" : "s") \(unknown.map { "'\($0)'" }.joined(separator: ", "))): upgrade lectern, or point --db at another file"
    }

    private static func explain(_ error: DatabaseError, folder: String) -> String {
        // SQLite reports a disk with no room for the -shm file as a plain I/O error: look at the disk itself.
        if [.SQLITE_FULL, .SQLITE_IOERR, .SQLITE_CANTOPEN].contains(error.resultCode),
            let free = try? FileManager.default.attributesOfFileSystem(forPath: folder)[.systemFreeSize] as? NSNumber,
            free.int64Value < 1_048_576
        {
            return
                "cannot be opened: the disk is full (\(free.int64Value / 1024) KiB free; SQLite needs room beside the database for its -wal and -shm files). Free some space and start again"
        }
        switch error.resultCode {
        case .SQLITE_NOTADB: return "is not a SQLite database (the file is damaged or of another kind); it was left untouched"
        case .SQLITE_CORRUPT: return "is damaged (SQLite reports corruption); restore it from a backup"
        case .SQLITE_READONLY: return "is read-only: Lectern needs to write to it and to its folder (for the -wal and -shm files)"
        case .SQLITE_CANTOPEN: return "cannot be opened (check that the file and its folder exist and are writable)"
        case .SQLITE_FULL: return "cannot be opened: the disk is full. Free some space and start again"
        case .SQLITE_BUSY, .SQLITE_LOCKED: return "is locked by another process for too long"
        default: return "cannot be opened: \(error.message ?? "\(error.resultCode)")"
        }
    }
}

/// A number that changes after every write this process makes to any Lectern database that may change a public
/// page, so caches of what was read can tell they may be stale without asking SQLite. (Writes by other processes, such as the CLI, are not seen:
/// caches bound their age for those.)
public final class WriteGeneration: @unchecked Sendable {
    public static let shared = WriteGeneration()
    /// Changes after every write of this process, public or not: for what one caller sees of their own account (API
    /// answers per caller), which a write that changes no public page (a review, a name) may still change.
    public static let everyWrite = WriteGeneration()
    private let lock = NSLock()
    private var value = 0

    public var current: Int { lock.withLock { value } }

    public func advance() { lock.withLock { value &+= 1 } }
}

/// The names of every migration this binary knows, oldest first.
public enum LecternMigrations {
    public static func all() throws -> [String] { Migrations.migrator.migrations }
}

/// The database file cannot be used; the message is one line meant for the operator.
public struct DatabaseOpenError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "database '\(path)' \(reason)" }
}
