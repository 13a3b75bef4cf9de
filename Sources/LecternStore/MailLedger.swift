import Foundation
import GRDB
import LecternCore

/// How many messages of each kind went to each address recently, so no form can be used to flood a mailbox. Kept in
/// the database so that every server process and restart counts the same messages.
public struct MailLedger: Sendable {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    /// Records a message of `kind` to `recipient` and returns true, or returns false (recording nothing) when
    /// `limit` such messages already went to it within `window`. Counting and recording are one transaction.
    public func claim(recipient: String, kind: String, limit: Int, window: TimeInterval, now: Date = Date()) async throws -> Bool {
        let key = EmailAddress.key(recipient)
        return try await database.write(changesPublicPages: false) { db in
            let recent =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM mail_log WHERE recipient_key = ? AND kind = ? AND created_at > ?",
                    arguments: [key, kind, now.addingTimeInterval(-window)]) ?? 0
            guard recent < limit else { return false }
            try db.execute(sql: "INSERT INTO mail_log (recipient_key, kind, created_at) VALUES (?, ?, ?)", arguments: [key, kind, now])
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
