import Foundation
import LecternCore

/// How many messages of each kind went to each address recently, so no form can be used to flood a mailbox. Kept in
/// the database so that every server process and restart counts the same messages.
public protocol MailLedger: Sendable {
    /// Records a message of `kind` to `recipient` and returns true, or returns false (recording nothing) when
    /// `limit` such messages already went to it within `window`. Counting and recording are one transaction.
    func claim(recipient: String, kind: String, limit: Int, window: TimeInterval, now: Date) async throws -> Bool

    /// Records one message to `recipient` under every counter and returns true, or returns false (recording
    /// nothing) when any counter already reached its limit within `window`: for example the kind from this client's
    /// network, and all kinds from anywhere, so that neither one network nor many can flood a mailbox, and one
    /// network cannot use up the allowance of the address's owner.
    func claim(recipient: String, counters: [(name: String, limit: Int)], window: TimeInterval, now: Date) async throws -> Bool

    /// Forgets entries older than `age`; returns how many.
    @discardableResult
    func prune(olderThan age: TimeInterval, now: Date) async throws -> Int
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension MailLedger {
    public func claim(recipient: String, kind: String, limit: Int, window: TimeInterval, now: Date = Date()) async throws -> Bool {
        try await self.claim(recipient: recipient, kind: kind, limit: limit, window: window, now: now)
    }

    public func claim(recipient: String, counters: [(name: String, limit: Int)], window: TimeInterval, now: Date = Date()) async throws -> Bool {
        try await self.claim(recipient: recipient, counters: counters, window: window, now: now)
    }

    @discardableResult
    public func prune(olderThan age: TimeInterval, now: Date = Date()) async throws -> Int {
        try await self.prune(olderThan: age, now: now)
    }
}
