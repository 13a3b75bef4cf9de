import Foundation
import LecternCore

/// Requests for a place on an `approval` course. A pending request holds a seat while the school decides, so an
/// approval always has its seat; a request made while the course is full waits on the waitlist for one.
public protocol EnrolmentRequestStore: Sendable {
    /// Asks for a place: pending (holding a seat) when one is free, on the waitlist when the course is full.
    /// Asking again changes nothing.
    func request(userID: Int64, courseID: Int64, note: String, now: Date) async throws -> PlaceOutcome

    /// Withdraws the learner's request, pending or waiting; a seat it held goes to the next in the queue. Returns
    /// false when there was nothing to withdraw.
    @discardableResult
    func withdraw(userID: Int64, courseID: Int64, now: Date) async throws -> Bool

    /// Pending requests for the course, oldest first.
    func pending(courseID: Int64) async throws -> [EnrolmentRequest]

    /// The learner's latest request for the course, whatever its state.
    func latest(userID: Int64, courseID: Int64) async throws -> EnrolmentRequest?

    func request(id: Int64) async throws -> EnrolmentRequest?

    /// Approves the learner's pending request: enrolled on the seat it held, in the same transaction, and mailed.
    func approve(userID: Int64, courseID: Int64, reason: String?, now: Date) async throws -> EnrolmentRequest

    /// Declines the learner's request, pending or waiting for a seat, and mails them; a seat it held goes to the next
    /// in the queue.
    func decline(userID: Int64, courseID: Int64, reason: String?, now: Date) async throws -> EnrolmentRequest

    /// Pending requests for the courses `instructorID` teaches (never their own), oldest first: the review page's list.
    func pending(instructorID: Int64) async throws -> [EnrolmentRequest]

    /// An instructor's decision on the web: the request must be pending and for a course they teach, and not their own.
    func decide(requestID: Int64, instructorID: Int64, approve: Bool, reason: String?, now: Date) async throws -> EnrolmentRequest
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension EnrolmentRequestStore {
    public func request(userID: Int64, courseID: Int64, note: String, now: Date = Date()) async throws -> PlaceOutcome {
        try await self.request(userID: userID, courseID: courseID, note: note, now: now)
    }

    @discardableResult
    public func withdraw(userID: Int64, courseID: Int64, now: Date = Date()) async throws -> Bool {
        try await self.withdraw(userID: userID, courseID: courseID, now: now)
    }

    public func approve(userID: Int64, courseID: Int64, reason: String?, now: Date = Date()) async throws -> EnrolmentRequest {
        try await self.approve(userID: userID, courseID: courseID, reason: reason, now: now)
    }

    public func decline(userID: Int64, courseID: Int64, reason: String?, now: Date = Date()) async throws -> EnrolmentRequest {
        try await self.decline(userID: userID, courseID: courseID, reason: reason, now: now)
    }

    public func decide(requestID: Int64, instructorID: Int64, approve: Bool, reason: String?, now: Date = Date()) async throws -> EnrolmentRequest {
        try await self.decide(requestID: requestID, instructorID: instructorID, approve: approve, reason: reason, now: now)
    }
}
