import Foundation

/// Counts actions per key in a sliding window and refuses those past the limit (forms that mail, profile changes, wrong access codes).
/// In memory: it protects this process's mail and CPU; the per-address mail limits that must hold across processes
/// are in `MailLedger`.
public actor RateLimiter {
    public struct Rule: Sendable {
        public var limit: Int
        public var window: TimeInterval

        public init(limit: Int, window: TimeInterval) {
            self.limit = limit
            self.window = window
        }
    }

    private var hits: [String: [Date]] = [:]

    public init() {}

    /// The seconds to wait when `key` is at its limit, without counting anything (for limits on failures only).
    public func wait(_ key: String, _ rule: Rule, now: Date = Date()) -> TimeInterval? {
        let recent = (hits[key] ?? []).filter { now.timeIntervalSince($0) < rule.window }
        guard recent.count >= rule.limit, let oldest = recent.first else { return nil }
        return max(1, rule.window - now.timeIntervalSince(oldest))
    }

    /// Counts one action under every key at once and returns nil, or, when any key is at its limit, the seconds to wait
    /// (counting nothing). One call, so concurrent requests cannot all pass a check before any of them counts.
    public func reserve(_ limits: [(key: String, rule: Rule)], now: Date = Date()) -> TimeInterval? {
        var longest: TimeInterval?
        for (key, rule) in limits {
            if let wait = wait(key, rule, now: now) { longest = max(longest ?? 0, wait) }
        }
        if let longest { return longest }
        for (key, _) in limits { hits[key, default: []].append(now) }
        return nil
    }

    /// Takes back the latest action counted for `key` (a reserved try that turned out not to count).
    public func refund(_ key: String) {
        guard var recent = hits[key], !recent.isEmpty else { return }
        recent.removeLast()
        hits[key] = recent
    }

    /// Counts one action for `key` and returns nil, or returns the seconds to wait (counting nothing).
    public func take(_ key: String, _ rule: Rule, now: Date = Date()) -> TimeInterval? {
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
