import Foundation
import LecternStore

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

/// Slows password guessing. Each login attempt holds a place before the password is hashed, against the account (or,
/// for a browser that has signed in to it before, that device) and against the client address; recent failures and
/// attempts still being hashed both count. So a burst of logins sent at once is refused with 429 once the limit is
/// reached, however many arrive together and whichever server process takes them (the places are the database's), and
/// the hashing queue cannot be used to get round it. Nothing is locked for good: failures fall out of the window, and
/// a completed password reset (proof of the mailbox) ends the account's lock.
public struct LoginThrottle: Sendable {
    public let limits: LoginLimits
    let limiter: RateLimiter

    public init(limits: LoginLimits = LoginLimits(), ledger: any RateLedger) {
        self.limits = limits
        self.limiter = RateLimiter(ledger: ledger)
    }

    /// A place held for one attempt; hand it back to `finish`.
    public struct Reservation: Sendable {
        fileprivate let hold: RateLimiter.Hold
        fileprivate let keys: [String]
    }

    public typealias Wait = RateWait

    /// Holds a place for an attempt on `account` from `address` (from a trusted `device` of the account, if any),
    /// or returns the seconds to wait.
    public func reserve(account: String, address: String, device: String? = nil, now: Date = Date()) async throws -> Result<Reservation, Wait> {
        let window = limits.window
        let limits: [(key: String, rule: RateLimiter.Rule)] = [
            (device.map { "login-device:\($0)" } ?? Self.accountKey(account), .init(limit: self.limits.perAccount, window: window)),
            ("login-address:\(address)", .init(limit: self.limits.perAddress, window: window)),
        ]
        return try await limiter.hold(limits, now: now).map { Reservation(hold: $0, keys: limits.map(\.key) + [Self.accountKey(account)]) }
    }

    /// Ends an attempt: a failure counts against every key it held; a success clears the account's failures and the
    /// device's (not the address's: one address may try many accounts).
    public func finish(_ reservation: Reservation, succeeded: Bool, now: Date = Date()) async throws {
        try await limiter.settle(reservation.hold, counted: !succeeded, now: now)
        if succeeded {
            for key in Set(reservation.keys) where !key.hasPrefix("login-address:") { try await limiter.clear(key) }
        }
    }

    /// A completed password reset proves the mailbox: the account may log in again at once.
    public func unlock(account: String) async throws {
        try await limiter.clear(Self.accountKey(account))
    }

    private static func accountKey(_ account: String) -> String { "login-account:\(account)" }
}
