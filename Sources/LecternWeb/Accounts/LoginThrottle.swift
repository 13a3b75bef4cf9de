import Foundation

/// How many failed logins the login throttle allows within a window, per account and per client address.
public struct LoginLimits: Sendable {
    /// Failed logins for one email address within `window` before it must wait.
    public var perAccount: Int
    /// Failed logins from one client address within `window` before it must wait. Raise it when many learners share
    /// one address (a campus network, a reverse proxy).
    public var perAddress: Int
    public var window: TimeInterval

    public init(perAccount: Int = 5, perAddress: Int = 30, window: TimeInterval = 15 * 60) {
        self.perAccount = perAccount
        self.perAddress = perAddress
        self.window = window
    }
}

/// Slows password guessing: too many failed logins for one account, or from one client address, within a
/// window blocks further tries from that key until the window has passed. Nothing is locked for good.
actor LoginThrottle {
    let limits: LoginLimits
    private var failures: [String: [Date]] = [:]

    init(limits: LoginLimits = LoginLimits()) {
        self.limits = limits
    }

    /// Seconds to wait before `account` may try again from `address`, or nil when a try is allowed now.
    func retryAfter(account: String, address: String, now: Date = Date()) -> TimeInterval? {
        let waits = [wait("account:\(account)", limit: limits.perAccount, now: now), wait("address:\(address)", limit: limits.perAddress, now: now)]
        return waits.compactMap { $0 }.max()
    }

    func recordFailure(account: String, address: String, now: Date = Date()) {
        for key in ["account:\(account)", "address:\(address)"] {
            failures[key, default: []].append(now)
        }
        if failures.count > 100_000 { prune(now: now) }
    }

    /// A successful login clears the account's failures (not the address's: one address may try many accounts).
    func recordSuccess(account: String) {
        failures["account:\(account)"] = nil
    }

    private func wait(_ key: String, limit: Int, now: Date) -> TimeInterval? {
        let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < limits.window }
        failures[key] = recent.isEmpty ? nil : recent
        guard recent.count >= limit, let oldest = recent.first else { return nil }
        return limits.window - now.timeIntervalSince(oldest)
    }

    private func prune(now: Date) {
        failures = failures.compactMapValues { dates in
            let recent = dates.filter { now.timeIntervalSince($0) < limits.window }
            return recent.isEmpty ? nil : recent
        }
    }
}
