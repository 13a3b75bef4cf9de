import Foundation
import LecternCore
import LecternStore

/// A person's inbox: the notices written with the events that concern them (a review, a seat from the waitlist, a
/// decision on a request, a certificate), read and unread.
public struct Notifications: Sendable {
    let store: NotificationStore

    public init(database: any SiteDatabase) {
        self.store = database.notifications
    }

    /// The newest notices first, at most 50.
    public func inbox(of user: User) async throws -> [InboxItem] {
        try await store.items(userID: user.id)
    }

    /// Marks one of `user`'s notices read and returns the site path it leads to.
    public func open(_ id: Int64, for user: User) async throws -> String {
        guard let path = try await store.open(id: id, userID: user.id) else { throw AccountRefusal.noSuchNotice }
        return path
    }

    /// Marks every notice of `user` read; returns how many were unread.
    @discardableResult
    public func markAllRead(of user: User) async throws -> Int {
        try await store.markAllRead(userID: user.id)
    }
}

extension InboxItem {
    /// What the notice says, in the learner's words (the inbox and the live toast say the same).
    public var sentence: String {
        let course = courseTitle
        switch kind {
        case .checkpointReviewed:
            return status == "approved"
                ? "Your work for “\(detail)” in \(course) was approved."
                : "Your work for “\(detail)” in \(course) was returned with feedback: see what to change."
        case .waitlistPromoted:
            return status == "enrolled"
                ? "A seat on \(course) is yours: you are enrolled."
                : "A seat on \(course) is held for you while the school decides on your request."
        case .requestDecided:
            return status == "approved" ? "Your request for a place on \(course) was approved: you are enrolled."
                : "Your request for a place on \(course) was declined."
        case .certificateIssued: return "Your certificate for \(course) was issued (\(detail))."
        case .certificateRevoked: return "Your certificate for \(course) (\(detail)) was revoked."
        default: return "Something changed on \(course)."
        }
    }
}
