import Foundation
import LecternCore
import LecternStore

/// Why an instructor's decision was refused, beyond the store's own `CheckpointRefusal`s.
public enum ReviewRefusal: Error, Sendable, Equatable {
    /// Feedback longer than `Reviews.maxFeedbackLength` (it has `count`).
    case feedbackTooLong(count: Int)
    /// A note to the learner longer than `Reviews.maxReasonLength`.
    case reasonTooLong(count: Int)
    /// No such submission in the courses this instructor teaches.
    case noSuchSubmission(Int64)
    /// No such request for a place on a course this instructor teaches.
    case noSuchRequest
    case requestAlreadyDecided(EnrolmentRequest.Status)
}

/// An instructor's work: the review queue, decisions on checkpoint submissions, and requests for places on the courses
/// they teach. The one place for its rules, for `/review` and `lectern review` alike.
public struct Reviews: Sendable {
    let checkpoints: CheckpointStore
    let requests: EnrolmentRequestStore

    public static let maxFeedbackLength = 10_000
    public static let maxReasonLength = 500

    public init(database: any SiteDatabase) {
        self.checkpoints = database.checkpoints
        self.requests = database.enrolmentRequests
    }

    /// Whether `user` teaches a course (and so has a review queue).
    public func isInstructor(_ user: User) async throws -> Bool {
        try await checkpoints.teachesAnyCourse(userID: user.id)
    }

    /// What waits for `reviewer`: submissions to their courses' checkpoints, and requests for places on them.
    public func queue(for reviewer: User) async throws -> (submissions: [ReviewItem], requests: [EnrolmentRequest]) {
        (try await checkpoints.queue(reviewerID: reviewer.id), try await requests.pending(instructorID: reviewer.id))
    }

    /// One submission to a course `reviewer` teaches.
    public func submission(_ id: Int64, for reviewer: User) async throws -> ReviewItem? {
        try await checkpoints.item(id: id, reviewerID: reviewer.id)
    }

    /// Approves (feedback optional) or returns (feedback needed) a submission; an approval completes the checkpoint
    /// and may issue the certificate. The learner is told from the event the store records.
    public func decide(submission id: Int64, by reviewerID: Int64, approve: Bool, feedback: String) async throws -> (
        item: ReviewItem, certificateCode: String?
    ) {
        let feedback = feedback.trimmingCharacters(in: .whitespacesAndNewlines)
        guard feedback.unicodeScalars.count <= Self.maxFeedbackLength else { throw ReviewRefusal.feedbackTooLong(count: feedback.unicodeScalars.count) }
        let decision: ReviewDecision = approve ? .approve(feedback: feedback.isEmpty ? nil : feedback) : .return(feedback: feedback)
        do {
            return try await checkpoints.review(id: id, reviewerID: reviewerID, decision: decision)
        } catch CheckpointStoreError.noSuchSubmission {
            throw ReviewRefusal.noSuchSubmission(id)
        }
    }

    /// Approves or declines a request for a place on a course `instructor` teaches.
    public func decide(request id: Int64, by instructor: User, approve: Bool, reason: String) async throws -> EnrolmentRequest {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard reason.unicodeScalars.count <= Self.maxReasonLength else { throw ReviewRefusal.reasonTooLong(count: reason.unicodeScalars.count) }
        do {
            return try await requests.decide(requestID: id, instructorID: instructor.id, approve: approve, reason: reason.isEmpty ? nil : reason)
        } catch EnrolmentRequestError.alreadyDecided(let status) {
            throw ReviewRefusal.requestAlreadyDecided(status)
        } catch is EnrolmentRequestError {
            throw ReviewRefusal.noSuchRequest
        }
    }
}
