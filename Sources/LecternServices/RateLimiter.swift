import Foundation
import LecternStore

/// Counts actions per key in a sliding window and refuses those past the limit (forms that mail, profile changes, wrong
/// access codes, failed logins). The counts are the database's (`RateLedger`), so a limit holds however many server
/// processes share it, and across restarts.
public struct RateLimiter: Sendable {
    public struct Rule: Sendable {
        public var limit: Int
        public var window: TimeInterval

        public init(limit: Int, window: TimeInterval) {
            self.limit = limit
            self.window = window
        }
    }

    /// Places held by `hold` for actions whose outcome is not known yet; hand them to `settle`.
    public struct Hold: Sendable {
        let marks: [RateMark]
    }

    let ledger: any RateLedger

    public init(ledger: any RateLedger) {
        self.ledger = ledger
    }

    /// Counts one action for `key` and returns nil, or returns the seconds to wait (counting nothing).
    public func take(_ key: String, _ rule: Rule, now: Date = Date()) async throws -> TimeInterval? {
        switch try await ledger.mark([Self.check(key, rule)], pending: false, now: now) {
        case .success: return nil
        case .failure(let wait): return wait.seconds
        }
    }

    /// Holds a place under every key at once, or returns the longest wait when any key is at its limit (holding
    /// nothing). One call, so concurrent requests cannot all pass a check before any of them counts. Held places count
    /// until `settle` says whether the action counted.
    public func hold(_ limits: [(key: String, rule: Rule)], now: Date = Date()) async throws -> Result<Hold, RateWait> {
        try await ledger.mark(limits.map { Self.check($0.key, $0.rule) }, pending: true, now: now).map(Hold.init)
    }

    /// Ends a hold: the action counts from `now` under every key it held, or, when it turned out not to count, is
    /// forgotten.
    public func settle(_ hold: Hold, counted: Bool, now: Date = Date()) async throws {
        try await ledger.settle(hold.marks, counted: counted, now: now)
    }

    /// Forgets what counted under `key`.
    public func clear(_ key: String) async throws {
        try await ledger.clear(key: key)
    }

    private static func check(_ key: String, _ rule: Rule) -> RateCheck {
        RateCheck(key: key, limit: rule.limit, window: rule.window)
    }
}
