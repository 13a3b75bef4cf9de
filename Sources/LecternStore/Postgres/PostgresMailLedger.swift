import Foundation
import LecternCore

/// `MailLedger` in PostgreSQL. Claims for one address take turns: each holds a transaction-level advisory lock on
/// the address's key while it counts and records, so two sends at once cannot both find room under a limit (SQLite's
/// single writer gives that for free). A lock per address rather than on the table: sends to different addresses
/// never wait for each other, and there is no row to lock before an address's first message.
struct PostgresMailLedger: MailLedger {
    let database: PostgresSiteDatabase

    /// The first key of the ledger's advisory locks ("LCML"); the second is the hash of the recipient's key. Two-key
    /// locks never meet the one-key lock of `PostgresEventLog`.
    static let lockSpace: Int32 = 0x4C43_4D4C

    func claim(recipient: String, kind: String, limit: Int, window: TimeInterval, now: Date) async throws -> Bool {
        try await claim(recipient: recipient, counters: [(kind, limit)], window: window, now: now)
    }

    func claim(recipient: String, counters: [(name: String, limit: Int)], window: TimeInterval, now: Date) async throws -> Bool {
        let key = EmailAddress.key(recipient)
        let since = now.addingTimeInterval(-window)
        return try await database.write(changesPublicPages: false) { runner in
            try await runner.execute("SELECT pg_advisory_xact_lock(\(Self.lockSpace), hashtext(\(key)))")
            for counter in counters {
                let recent =
                    try await runner.value(
                        "SELECT count(*) FROM mail_log WHERE recipient_key = \(key) AND kind = \(counter.name) AND created_at > \(since)",
                        as: Int.self) ?? 0
                guard recent < counter.limit else { return false }
            }
            for counter in counters {
                try await runner.execute("INSERT INTO mail_log (recipient_key, kind, created_at) VALUES (\(key), \(counter.name), \(now))")
            }
            return true
        }
    }

    @discardableResult
    func prune(olderThan age: TimeInterval, now: Date) async throws -> Int {
        try await database.write(changesPublicPages: false) { runner in
            try await runner.value(
                "WITH gone AS (DELETE FROM mail_log WHERE created_at < \(now.addingTimeInterval(-age)) RETURNING 1) SELECT count(*) FROM gone",
                as: Int.self) ?? 0
        }
    }
}
