import Foundation
import LecternCore

/// Access codes: an operator creates them for a course, a learner enters one for a place. A code and the seat it
/// gives are checked and taken in one transaction, so 50 learners racing for 10 seats get exactly 10 places.
public protocol AccessCodeStore: Sendable {
    /// `count` new codes for the course, each good for `usesPerCode` places.
    func create(courseID: Int64, count: Int, usesPerCode: Int, expiresAt: Date?, note: String?, now: Date) async throws -> [AccessCodeRecord]

    /// The course's codes, newest first.
    func list(courseID: Int64) async throws -> [AccessCodeRecord]

    /// A code with who used it; nil when there is no such code. `typed` may be in any case, with or without dashes.
    func show(_ typed: String) async throws -> AccessCodeRecord?

    /// Withdraws a code: it gives no more places (places already given stay). Returns nil for an unknown code,
    /// false when it was already revoked.
    func revoke(_ typed: String, now: Date) async throws -> Bool?

    /// Uses one place of the code for the learner: enrolled when a seat is free, on the waitlist (their place paid
    /// for) when the course is full. A refused attempt uses nothing up.
    func redeem(_ typed: String, userID: Int64, courseID: Int64, now: Date) async throws -> Result<PlaceOutcome, AccessCodeProblem>
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension AccessCodeStore {
    public func create(courseID: Int64, count: Int, usesPerCode: Int = 1, expiresAt: Date? = nil, note: String? = nil, now: Date = Date()) async throws -> [AccessCodeRecord] {
        try await self.create(courseID: courseID, count: count, usesPerCode: usesPerCode, expiresAt: expiresAt, note: note, now: now)
    }

    public func revoke(_ typed: String, now: Date = Date()) async throws -> Bool? {
        try await self.revoke(typed, now: now)
    }

    public func redeem(_ typed: String, userID: Int64, courseID: Int64, now: Date = Date()) async throws -> Result<PlaceOutcome, AccessCodeProblem> {
        try await self.redeem(typed, userID: userID, courseID: courseID, now: now)
    }
}
