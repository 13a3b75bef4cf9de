import Foundation
import GRDB

/// Counts the SQL statements run on databases whose path a test asked to watch, so a test can hold a request to a
/// number of statements (no N+1). A database opened while its path is not watched gets no trace at all: production
/// pays nothing.
public final class StatementLog: @unchecked Sendable {
    public static let shared = StatementLog()

    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    private var seen: [String: [String]] = [:]
    private var ignored: [String: [String]] = [:]

    /// Starts counting for the database at `path` (opened after this call), leaving out statements that contain any of
    /// `ignoring` (the server's own timers: the site revision, the event log's readers).
    public func watch(_ path: String, ignoring: [String] = []) {
        lock.withLock {
            counts[path] = 0
            seen[path] = []
            ignored[path] = ignoring
        }
    }

    /// The statements run on `path` since `watch` or the last `reset`.
    public func count(_ path: String) -> Int {
        lock.withLock { counts[path] ?? 0 }
    }

    /// The statements counted on `path` since `watch` or the last `reset`, for a failing test to show.
    public func statements(_ path: String) -> [String] {
        lock.withLock { seen[path] ?? [] }
    }

    public func reset(_ path: String) {
        lock.withLock {
            if counts[path] != nil { counts[path] = 0 }
            seen[path] = []
        }
    }

    func isWatching(_ path: String) -> Bool {
        lock.withLock { counts[path] != nil }
    }

    func record(_ path: String, sql: String) {
        lock.withLock {
            guard !(ignored[path] ?? []).contains(where: { sql.contains($0) }) else { return }
            counts[path, default: 0] += 1
            seen[path, default: []].append(String(sql.prefix(120)))
        }
    }

    /// Adds the counting trace to `configuration` when `path` is watched.
    func instrument(_ configuration: inout Configuration, path: String) {
        guard isWatching(path) else { return }
        configuration.prepareDatabase { db in
            db.trace(options: .statement) { event in
                // Only statements the stores run: not the connection's own set-up pragmas and transactions.
                if case .statement(let statement) = event, !statement.sql.hasPrefix("PRAGMA"), !statement.sql.hasPrefix("BEGIN"),
                    !statement.sql.hasPrefix("COMMIT"), !statement.sql.hasPrefix("ROLLBACK"), !statement.sql.hasPrefix("SAVEPOINT"),
                    !statement.sql.hasPrefix("RELEASE")
                {
                    StatementLog.shared.record(path, sql: statement.sql)
                }
            }
        }
    }
}
