import Foundation
import LecternCore

/// A course's queue for seats. On an open course anyone may join when it is full; on a code course a valid code
/// entered while full joins it (`AccessCodeStore`); on an approval course a request made while full does
/// (`EnrolmentRequestStore`). Freed seats go to the front of the queue (`Seats.promote`).
public protocol WaitlistStore: Sendable {
    /// Joins the waitlist of a full open course. Enrols at once if a seat is free after all.
    func join(userID: Int64, courseID: Int64, now: Date) async throws -> PlaceOutcome

    /// Leaves the waitlist; a code that paid for the place is given back its use. Returns false when not waiting.
    @discardableResult
    func leave(userID: Int64, courseID: Int64) async throws -> Bool

    /// The course's queue in order.
    func entries(courseID: Int64) async throws -> [WaitlistEntry]

    /// Where the learner of a promotion stands now; nil when they have since left (nothing to tell).
    func promotion(userID: Int64, courseID: Int64) async throws -> WaitlistPromotion?
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension WaitlistStore {
    public func join(userID: Int64, courseID: Int64, now: Date = Date()) async throws -> PlaceOutcome {
        try await self.join(userID: userID, courseID: courseID, now: now)
    }
}
