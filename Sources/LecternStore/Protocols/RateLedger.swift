import Foundation

/// One limit on one key: at most `limit` actions within `window` seconds.
public struct RateCheck: Sendable, Hashable {
    public var key: String
    public var limit: Int
    public var window: TimeInterval

    public init(key: String, limit: Int, window: TimeInterval) {
        self.key = key
        self.limit = limit
        self.window = window
    }
}

/// One action marked under one key by `RateLedger.mark`, to settle when its outcome is known.
public struct RateMark: Sendable, Hashable {
    public let id: Int64

    public init(id: Int64) {
        self.id = id
    }
}

/// The seconds to wait before a limited action may be tried again.
public struct RateWait: Error, Sendable, Equatable {
    public var seconds: TimeInterval

    public init(seconds: TimeInterval) {
        self.seconds = seconds
    }
}

/// Recent actions per key (login attempts, wrong access codes, forms that mail, profile changes), kept in the database
/// so that a limit holds across every server process of a site and across restarts. A mark is either counted (an action
/// done: it counts for its check's window) or pending (an attempt whose outcome is not known yet, such as a password
/// being hashed: it counts until it is settled, or for `RateRules.pendingLife` if its process died first).
public protocol RateLedger: Sendable {
    /// Marks one action under every check's key, in one transaction, and returns the marks; or, when any key is at its
    /// limit already, the longest wait, marking nothing. Concurrent calls on the same key take turns, so a burst sent at
    /// once cannot all pass before any is marked.
    func mark(_ checks: [RateCheck], pending: Bool, now: Date) async throws -> Result<[RateMark], RateWait>

    /// Settles pending marks: counted from `now` when `counted`, removed otherwise.
    func settle(_ marks: [RateMark], counted: Bool, now: Date) async throws

    /// Forgets the counted marks under `key` (a proven owner's lock ends); pending ones stay.
    func clear(key: String) async throws

    /// Forgets marks older than `age`; returns how many.
    @discardableResult
    func prune(olderThan age: TimeInterval, now: Date) async throws -> Int
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension RateLedger {
    public func mark(_ checks: [RateCheck], pending: Bool = false, now: Date = Date()) async throws -> Result<[RateMark], RateWait> {
        try await self.mark(checks, pending: pending, now: now)
    }

    public func settle(_ marks: [RateMark], counted: Bool, now: Date = Date()) async throws {
        try await self.settle(marks, counted: counted, now: now)
    }

    @discardableResult
    public func prune(olderThan age: TimeInterval, now: Date = Date()) async throws -> Int {
        try await self.prune(olderThan: age, now: now)
    }
}

/// The counting rules both backends share.
public enum RateRules {
    /// A pending mark counts for this long at most: attempts end within seconds, and one whose process died must not
    /// hold a place for ever.
    public static let pendingLife: TimeInterval = 60
    /// The wait while only attempts in flight fill a key's limit: they end within seconds.
    public static let inFlightWait: TimeInterval = 5

    /// How far back a key's marks can still count.
    public static func horizon(_ check: RateCheck, now: Date) -> Date {
        now.addingTimeInterval(-max(check.window, pendingLife))
    }

    /// The seconds to wait on `check`, given the key's marks since `horizon` (times and whether pending), or nil when
    /// there is room for one more.
    public static func wait(_ check: RateCheck, marks: [(at: Date, pending: Bool)], now: Date) -> TimeInterval? {
        let counted = marks.filter { !$0.pending && now.timeIntervalSince($0.at) < check.window }.map(\.at).sorted()
        let pending = marks.filter { $0.pending && now.timeIntervalSince($0.at) < pendingLife }.count
        guard counted.count + pending >= check.limit else { return nil }
        guard counted.count >= check.limit else { return inFlightWait }
        // Room comes back when the mark `limit` places from the newest leaves the window.
        let freeing = counted[counted.count - check.limit]
        return max(1, check.window - now.timeIntervalSince(freeing))
    }
}
