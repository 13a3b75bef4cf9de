import Foundation

/// How many failed logins the login throttle allows within a window, per account and per client address.
public struct LoginLimits: Sendable {
    /// Failed logins for one email address within `window` before it must wait. A browser that has signed in to
    /// the account before (it holds a device cookie) has a budget of its own instead, so failures from elsewhere
    /// do not lock the owner out.
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

/// Slows password guessing. Each login attempt reserves a place before the password is hashed, against the
/// account (or, for a browser that has signed in to it before, that device) and against the client address;
/// recent failures and attempts still being hashed both count. So a burst of logins sent at once is refused
/// with 429 once the limit is reached, however many arrive together, and the hashing queue cannot be used to
/// get round it. Nothing is locked for good: failures fall out of the window, and a completed password reset
/// (proof of the mailbox) ends the account's lock.
public actor LoginThrottle {
    public let limits: LoginLimits
    private var failures: [String: [Date]] = [:]
    private var pending: [String: Int] = [:]

    public init(limits: LoginLimits = LoginLimits()) {
        self.limits = limits
    }

    /// A place held for one attempt; hand it back to `finish`.
    public struct Reservation: Sendable {
        fileprivate let keys: [String]
        fileprivate let account: String
    }

    /// Holds a place for an attempt on `account` from `address` (from a trusted `device` of the account, if any),
    /// or returns the seconds to wait.
    public func reserve(account: String, address: String, device: String? = nil, now: Date = Date()) -> Result<Reservation, Wait> {
        let accountKey = device.map { "device:\($0)" } ?? "account:\(account)"
        let checks = [(accountKey, limits.perAccount), ("address:\(address)", limits.perAddress)]
        let waits = checks.compactMap { wait($0.0, limit: $0.1, now: now) }
        if let longest = waits.max() { return .failure(Wait(seconds: longest)) }
        for (key, _) in checks { pending[key, default: 0] += 1 }
        return .success(Reservation(keys: checks.map(\.0), account: "account:\(account)"))
    }

    /// Ends an attempt: a failure is counted against every key it reserved; a success clears the account's
    /// failures (not the address's: one address may try many accounts).
    public func finish(_ reservation: Reservation, succeeded: Bool, now: Date = Date()) {
        for key in reservation.keys {
            let left = (pending[key] ?? 1) - 1
            pending[key] = left > 0 ? left : nil
            if !succeeded { failures[key, default: []].append(now) }
        }
        if succeeded {
            failures[reservation.account] = nil
            for key in reservation.keys where key.hasPrefix("device:") { failures[key] = nil }
        }
        if failures.count > 100_000 { prune(now: now) }
    }

    /// A completed password reset proves the mailbox: the account may log in again at once.
    public func unlock(account: String) {
        failures["account:\(account)"] = nil
    }

    public struct Wait: Error, Sendable {
        public var seconds: TimeInterval
    }

    /// Seconds to wait before another attempt on `key`, counting failures in the window and attempts in flight.
    private func wait(_ key: String, limit: Int, now: Date) -> TimeInterval? {
        let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < limits.window }
        failures[key] = recent.isEmpty ? nil : recent
        guard recent.count + (pending[key] ?? 0) >= limit else { return nil }
        // Only attempts in flight: they end within seconds.
        guard recent.count >= limit, let oldest = recent.first else { return 5 }
        return max(1, limits.window - now.timeIntervalSince(oldest))
    }

    private func prune(now: Date) {
        failures = failures.compactMapValues { dates in
            let recent = dates.filter { now.timeIntervalSince($0) < limits.window }
            return recent.isEmpty ? nil : recent
        }
    }
}
