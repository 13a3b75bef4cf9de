import Foundation

/// `RateLedger` in PostgreSQL. Markings on one key take turns: each holds a transaction-level advisory lock on every
/// key it checks (taken in key order, so two markings of the same keys cannot deadlock) while it counts and marks, as
/// SQLite's single writer gives for free. The table is UNLOGGED: limits are worth no disk flush per login, and a crash
/// of the server forgetting them is no worse than the window ending.
struct PostgresRateLedger: RateLedger {
    let database: PostgresSiteDatabase

    /// The first key of the ledger's advisory locks ("LCRL"); the second is the hash of the mark's key.
    static let lockSpace: Int32 = 0x4C43_524C

    func mark(_ checks: [RateCheck], pending: Bool, now: Date) async throws -> Result<[RateMark], RateWait> {
        try await database.write(changesPublicPages: false) { runner in
            for key in Set(checks.map(\.key)).sorted() {
                try await runner.execute("SELECT pg_advisory_xact_lock(\(Self.lockSpace), hashtext(\(key)))")
            }
            var longest: TimeInterval?
            for check in checks {
                let marks = try await runner.all(
                    "SELECT marked_at, pending FROM rate_mark WHERE key = \(check.key) AND marked_at > \(RateRules.horizon(check, now: now))"
                ) { (at: try $0["marked_at"] as Date, pending: try $0["pending"] as Bool) }
                if let wait = RateRules.wait(check, marks: marks, now: now) { longest = max(longest ?? 0, wait) }
            }
            if let longest { return .failure(RateWait(seconds: longest)) }
            var made: [RateMark] = []
            for check in checks {
                let id = try await runner.value(
                    "INSERT INTO rate_mark (key, marked_at, pending) VALUES (\(check.key), \(now), \(pending)) RETURNING id", as: Int64.self)
                if let id { made.append(RateMark(id: id)) }
            }
            return .success(made)
        }
    }

    func settle(_ marks: [RateMark], counted: Bool, now: Date) async throws {
        guard !marks.isEmpty else { return }
        let ids = marks.map(\.id)
        try await database.write(changesPublicPages: false) { runner in
            if counted {
                try await runner.execute("UPDATE rate_mark SET pending = false, marked_at = \(now) WHERE id = ANY(\(ids))")
            } else {
                try await runner.execute("DELETE FROM rate_mark WHERE id = ANY(\(ids))")
            }
        }
    }

    func clear(key: String) async throws {
        try await database.write(changesPublicPages: false) { runner in
            try await runner.execute("DELETE FROM rate_mark WHERE key = \(key) AND NOT pending")
        }
    }

    func prune(olderThan age: TimeInterval, now: Date) async throws -> Int {
        try await database.write(changesPublicPages: false) { runner in
            try await runner.value(
                "WITH gone AS (DELETE FROM rate_mark WHERE marked_at < \(now.addingTimeInterval(-age)) RETURNING 1) SELECT count(*) FROM gone",
                as: Int.self) ?? 0
        }
    }
}
