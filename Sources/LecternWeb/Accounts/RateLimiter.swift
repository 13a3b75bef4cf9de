import Foundation

/// Counts actions per key in a sliding window and refuses those past the limit (forms that mail, profile changes).
/// In memory: it protects this process's mail and CPU; the per-address mail limits that must hold across processes
/// are in `MailLedger`.
actor RateLimiter {
    struct Rule: Sendable {
        var limit: Int
        var window: TimeInterval
    }

    private var hits: [String: [Date]] = [:]

    /// The seconds to wait when `key` is at its limit, without counting anything (for limits on failures only).
    func wait(_ key: String, _ rule: Rule, now: Date = Date()) -> TimeInterval? {
        let recent = (hits[key] ?? []).filter { now.timeIntervalSince($0) < rule.window }
        guard recent.count >= rule.limit, let oldest = recent.first else { return nil }
        return max(1, rule.window - now.timeIntervalSince(oldest))
    }

    /// Counts one action for `key` and returns nil, or returns the seconds to wait (counting nothing).
    func take(_ key: String, _ rule: Rule, now: Date = Date()) -> TimeInterval? {
        let recent = (hits[key] ?? []).filter { now.timeIntervalSince($0) < rule.window }
        if recent.count >= rule.limit, let oldest = recent.first {
            hits[key] = recent
            return max(1, rule.window - now.timeIntervalSince(oldest))
        }
        hits[key] = recent + [now]
        if hits.count > 100_000 { hits = hits.filter { !$0.value.isEmpty && now.timeIntervalSince($0.value.last!) < 86_400 } }
        return nil
    }
}

/// The limits on forms that send mail or change an account.
enum AccountLimits {
    /// Mail-sending forms (register, forgot password, address change) from one client address.
    static func mailFormsPerClient(_ limit: Int) -> RateLimiter.Rule { RateLimiter.Rule(limit: limit, window: 3600) }
    /// Profile and address changes by one account.
    static let profileChangesPerAccount = RateLimiter.Rule(limit: 10, window: 3600)
    /// Messages to one address an hour, per kind and client network, and of every kind from anywhere; a form past
    /// either answers as usual and mails nothing.
    static let mailWindow: TimeInterval = 3600
    static let mailOfAKindPerNetwork = 3
    static let mailOfAllKinds = 10

    /// The ledger's counters for one message of `kind` asked for from `network`.
    static func mailCounters(kind: String, network: String) -> [(name: String, limit: Int)] {
        [("\(kind) from \(network)", mailOfAKindPerNetwork), allMail]
    }

    /// The counter every message to an address counts towards, whatever sent it.
    static let allMail = (name: "any", limit: mailOfAllKinds)
}
