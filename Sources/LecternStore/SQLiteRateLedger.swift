import Foundation
import GRDB

/// `RateLedger` in SQLite: its single writer makes each marking one turn, whoever else is writing.
struct SQLiteRateLedger: RateLedger {
    let database: LecternDatabase

    func mark(_ checks: [RateCheck], pending: Bool, now: Date) async throws -> Result<[RateMark], RateWait> {
        try await database.write(changesPublicPages: false) { db in
            var longest: TimeInterval?
            for check in checks {
                let marks = try Row.fetchAll(
                    db, sql: "SELECT marked_at, pending FROM rate_mark WHERE key = ? AND marked_at > ?",
                    arguments: [check.key, RateRules.horizon(check, now: now)]
                ).map { (at: $0["marked_at"] as Date, pending: $0["pending"] as Bool) }
                if let wait = RateRules.wait(check, marks: marks, now: now) { longest = max(longest ?? 0, wait) }
            }
            if let longest { return .failure(RateWait(seconds: longest)) }
            var made: [RateMark] = []
            for check in checks {
                try db.execute(sql: "INSERT INTO rate_mark (key, marked_at, pending) VALUES (?, ?, ?)", arguments: [check.key, now, pending])
                made.append(RateMark(id: db.lastInsertedRowID))
            }
            return .success(made)
        }
    }

    func settle(_ marks: [RateMark], counted: Bool, now: Date) async throws {
        guard !marks.isEmpty else { return }
        let ids = marks.map(\.id)
        try await database.write(changesPublicPages: false) { db in
            let list = ids.map { _ in "?" }.joined(separator: ", ")
            if counted {
                try db.execute(
                    sql: "UPDATE rate_mark SET pending = 0, marked_at = ? WHERE id IN (\(list))", arguments: StatementArguments([now] + ids))
            } else {
                try db.execute(sql: "DELETE FROM rate_mark WHERE id IN (\(list))", arguments: StatementArguments(ids))
            }
        }
    }

    func clear(key: String) async throws {
        try await database.write(changesPublicPages: false) { db in
            try db.execute(sql: "DELETE FROM rate_mark WHERE key = ? AND NOT pending", arguments: [key])
        }
    }

    func prune(olderThan age: TimeInterval, now: Date) async throws -> Int {
        try await database.write(changesPublicPages: false) { db in
            try db.execute(sql: "DELETE FROM rate_mark WHERE marked_at < ?", arguments: [now.addingTimeInterval(-age)])
            return db.changesCount
        }
    }
}
