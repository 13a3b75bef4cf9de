import Foundation
import LecternCore

/// The outbox table: the default mail transport, read with the CLI.
public protocol OutboxStore: Sendable {
    @discardableResult
    func add(recipient: String, subject: String, body: String, now: Date) async throws -> Int64

    /// Deletes messages older than `retention`; returns how many.
    @discardableResult
    func prune(olderThan retention: TimeInterval, now: Date) async throws -> Int

    /// Newest first.
    func messages(limit: Int) async throws -> [OutboxMessage]

    func message(id: Int64) async throws -> OutboxMessage?
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension OutboxStore {
    @discardableResult
    public func add(recipient: String, subject: String, body: String, now: Date = Date()) async throws -> Int64 {
        try await self.add(recipient: recipient, subject: subject, body: body, now: now)
    }

    @discardableResult
    public func prune(olderThan retention: TimeInterval, now: Date = Date()) async throws -> Int {
        try await self.prune(olderThan: retention, now: now)
    }

    public func messages(limit: Int = 100) async throws -> [OutboxMessage] {
        try await self.messages(limit: limit)
    }
}
