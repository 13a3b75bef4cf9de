import Foundation
import GRDB
import LecternCore

/// `MailLedger` in SQLite, through GRDB.
public struct SQLiteMailLedger: MailLedger {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    /// Records a message of `kind` to `recipient` and returns true, or returns false (recording nothing) when
    /// `limit` such messages already went to it within `window`. Counting and recording are one transaction.
    public func claim(recipient: String, kind: String, limit: Int, window: TimeInterval, now: Date = Date()) async throws -> Bool {
        try await claim(recipient: recipient, counters: [(kind, limit)], window: window, now: now)
    }

    /// Records one message to `recipient` under every counter and returns true, or returns false (recording
    /// nothing) when any counter already reached its limit within `window`: for example the kind from this client's
    /// network, and all kinds from anywhere, so that neither one network nor many can flood a mailbox, and one
    /// network cannot use up the allowance of the address's owner.
    public func claim(recipient: String, counters: [(name: String, limit: Int)], window: TimeInterval, now: Date = Date()) async throws
        -> Bool
    {
        let key = EmailAddress.key(recipient)
        return try await database.write(changesPublicPages: false) { db in
            for counter in counters {
                let recent =
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM mail_log WHERE recipient_key = ? AND kind = ? AND created_at > ?",
                        arguments: [key, counter.name, now.addingTimeInterval(-window)]) ?? 0
                guard recent < counter.limit else { return false }
            }
            for counter in counters {
                try db.execute(sql: "INSERT INTO mail_log (recipient_key, kind, created_at) VALUES (?, ?, ?)", arguments: [key, counter.name, now])
            }
            return true
        }
    }

    /// Forgets entries older than `age`; returns how many.
    @discardableResult
    public func prune(olderThan age: TimeInterval, now: Date = Date()) async throws -> Int {
        try await database.write(changesPublicPages: false) { db in
            try db.execute(sql: "DELETE FROM mail_log WHERE created_at < ?", arguments: [now.addingTimeInterval(-age)])
            return db.changesCount
        }
    }
}
