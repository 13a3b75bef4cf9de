import Foundation
import LecternCore

/// Each person's notices, written with the events that concern them (in the same transaction), read and unread.
public protocol NotificationStore: Sendable {
    /// Newest first.
    func items(userID: Int64, limit: Int) async throws -> [InboxItem]

    /// The notice `eventID` made for `userID`, if it made one, and how many of their notices are unread now.
    func notice(eventID: Int64, userID: Int64) async throws -> (item: InboxItem?, unread: Int)

    /// Marks one notice read and returns where it leads; nil when `userID` has no such notice.
    func open(id: Int64, userID: Int64, now: Date) async throws -> String?

    /// Marks every notice of `userID` read; returns how many were unread.
    @discardableResult
    func markAllRead(userID: Int64, now: Date) async throws -> Int
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension NotificationStore {
    public func items(userID: Int64, limit: Int = 50) async throws -> [InboxItem] {
        try await self.items(userID: userID, limit: limit)
    }

    public func open(id: Int64, userID: Int64, now: Date = Date()) async throws -> String? {
        try await self.open(id: id, userID: userID, now: now)
    }

    @discardableResult
    public func markAllRead(userID: Int64, now: Date = Date()) async throws -> Int {
        try await self.markAllRead(userID: userID, now: now)
    }
}

extension EventKind {
    /// The kinds of event a person is told of in their inbox.
    public static let inbox: Set<EventKind> = [.checkpointReviewed, .waitlistPromoted, .requestDecided, .certificateIssued, .certificateRevoked]
}

extension InboxItem {
    /// How many notices a person keeps; older ones go as new ones come.
    public static let kept = 200
}
