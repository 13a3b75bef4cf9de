import Foundation
import GRDB

/// What `lectern db restore` learns of a database copy before it may replace the site's database.
public struct BackupInspection: Sendable, Equatable {
    public var appliedMigrations: [String]
    /// Migrations this binary knows and the copy has not had yet: the server applies them when it starts.
    public var pendingMigrations: [String]
    /// Rows per kind of record, as `lectern db status` counts them.
    public var counts: [String: Int]
    /// What SQLite's integrity, foreign-key and search-index checks found; empty when the copy is sound.
    public var problems: [String]
}

extension LecternDatabase {
    /// Inspects the database copy at `path` (a file the caller owns: the search index's check writes to it).
    ///
    /// Refuses, as `open` does, a file that is not a Lectern database or was written by a newer Lectern, and also an
    /// empty one, which would restore nothing.
    public static func inspectBackup(path: String) throws(DatabaseOpenError) -> BackupInspection {
        try inspectExisting(path: path)
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.writeWithoutTransaction { db in
                guard try db.tableExists("grdb_migrations") else {
                    throw DatabaseOpenError(path: path, reason: "holds no Lectern data (no migrations were ever applied to it)")
                }
                return BackupInspection(
                    appliedMigrations: try Migrations.migrator.appliedMigrations(db), pendingMigrations: try pendingMigrations(db),
                    counts: try counts(db), problems: try problems(db))
            }
        } catch let error as DatabaseOpenError {
            throw error
        } catch let error as DatabaseError {
            throw DatabaseOpenError(path: path, reason: "cannot be read: \(error.message ?? "\(error.resultCode)")")
        } catch {
            throw DatabaseOpenError(path: path, reason: "cannot be read: \(error)")
        }
    }
}

extension LecternDatabase {
    /// Before `db restore` replaces the database file: copies the WAL into it and empties the WAL, so the file alone is
    /// the whole database (its old contents can be kept by a link to it) and no old WAL can be replayed into the new
    /// file. Fails when another connection is in the middle of reading or writing, which would go on using the old file.
    public static func settleForReplacement(path: String) throws(DatabaseOpenError) {
        let inUse = "is in use by another process (a command or a server started without the lock): stop it, then restore again"
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(2)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            let busy = try queue.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") ?? 0 }
            guard busy == 0 else {
                throw DatabaseOpenError(path: path, reason: inUse)
            }
        } catch let error as DatabaseOpenError {
            throw error
        } catch let error as DatabaseError {
            guard error.resultCode != .SQLITE_BUSY, error.resultCode != .SQLITE_LOCKED else {
                throw DatabaseOpenError(path: path, reason: inUse)
            }
            throw DatabaseOpenError(path: path, reason: "cannot be read: \(error.message ?? "\(error.resultCode)")")
        } catch {
            throw DatabaseOpenError(path: path, reason: "cannot be read: \(error)")
        }
    }
}
