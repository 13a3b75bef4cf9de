import Foundation
import LecternCore

/// Sessions kept in the database, so they survive restarts and are shared by every process and instance on it.
/// The browser holds a random 256-bit id; only its SHA-256 is stored.
public protocol SessionStore: Sendable {
    var lifetime: SessionLifetime { get }

    /// A new session with a fresh id and CSRF token. Returns the id to put in the cookie.
    func create(userID: Int64?, userAgent: String, clientAddress: String, now: Date) async throws -> (id: String, record: SessionRecord)

    /// The live session for a cookie value, or nil. Expired sessions, and sessions of disabled users, are deleted on sight.
    func find(id: String, now: Date) async throws -> SessionRecord?

    func delete(idHash: String) async throws

    /// Ends every session of a user except `keeping` (the one making the request), e.g. "sign out everywhere else".
    func deleteAll(userID: Int64, keeping idHash: String?) async throws

    /// A user's live sessions, most recently used first.
    func sessions(userID: Int64, now: Date) async throws -> [SessionRecord]

    /// Deletes sessions past either expiry; returns how many.
    @discardableResult
    func prune(now: Date) async throws -> Int
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension SessionStore {
    public func create(userID: Int64?, userAgent: String, clientAddress: String, now: Date = Date()) async throws -> (id: String, record: SessionRecord) {
        try await self.create(userID: userID, userAgent: userAgent, clientAddress: clientAddress, now: now)
    }

    public func find(id: String, now: Date = Date()) async throws -> SessionRecord? {
        try await self.find(id: id, now: now)
    }

    public func deleteAll(userID: Int64, keeping idHash: String? = nil) async throws {
        try await self.deleteAll(userID: userID, keeping: idHash)
    }

    public func sessions(userID: Int64, now: Date = Date()) async throws -> [SessionRecord] {
        try await self.sessions(userID: userID, now: now)
    }

    @discardableResult
    public func prune(now: Date = Date()) async throws -> Int {
        try await self.prune(now: now)
    }
}

extension SessionLifetime {
    /// `last_seen_at` is written at most this often per session, so reading pages does not turn into a write each time.
    static let touchInterval: TimeInterval = 60

    /// Whether `session` may still be used at `now`: within both expiries (a shorter idle one before anyone signs in)
    /// and not of a disabled account. A dead session is deleted on sight.
    public func isLive(_ session: SessionRecord, now: Date) -> Bool {
        let idleLimit = session.user == nil ? anonymousIdle : idle
        let expired = now.timeIntervalSince(session.lastSeenAt) > idleLimit || now.timeIntervalSince(session.createdAt) > absolute
        return !expired && session.user?.isDisabled != true
    }

    /// Whether using `session` at `now` should record the activity.
    public func needsTouch(_ session: SessionRecord, now: Date) -> Bool {
        now.timeIntervalSince(session.lastSeenAt) > Self.touchInterval
    }
}
