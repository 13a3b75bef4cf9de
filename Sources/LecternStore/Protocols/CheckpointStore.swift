import Foundation
import LecternCore

/// Checkpoints: learners' submissions, the instructors of each course, and reviews. An approval completes the
/// checkpoint (and issues the certificate when it was the last requirement) in the same transaction.
public protocol CheckpointStore: Sendable {
    /// Makes the account with `email` an instructor of `courseSlug`. Returns false when it already was.
    func addInstructor(courseSlug: String, email: String, now: Date) async throws -> Bool

    /// Ends the account's instructor role for `courseSlug`. Returns false when it was not one.
    func removeInstructor(courseSlug: String, email: String) async throws -> Bool

    /// The instructors of `courseSlug`: name and address.
    func instructors(courseSlug: String) async throws -> [(name: String, email: String)]

    /// Whether `userID` teaches the course `courseID`.
    func teaches(userID: Int64, courseID: Int64) async throws -> Bool

    /// Whether `userID` teaches any course (so the navigation offers the review queue).
    func teachesAnyCourse(userID: Int64) async throws -> Bool

    /// Every version a learner sent for a checkpoint, newest first.
    func submissions(userID: Int64, lessonID: Int64) async throws -> [CheckpointSubmission]

    /// Records a new version. Refused while one waits for review, and once the checkpoint is approved.
    func submit(userID: Int64, lessonID: Int64, answer: CheckpointAnswer, now: Date) async throws -> CheckpointSubmission

    /// Submissions waiting for `reviewerID`, oldest first: only those of courses they teach.
    func queue(reviewerID: Int64) async throws -> [ReviewItem]

    /// Every waiting submission, oldest first, of one course or all (the operator's view, from the CLI).
    func waiting(courseSlug: String?) async throws -> [ReviewItem]

    /// One submission, whoever reviews it (the operator's view, from the CLI).
    func item(id: Int64) async throws -> ReviewItem?

    /// The account id of `email`, for a review recorded from the CLI in an instructor's name.
    func userID(email: String) async throws -> Int64

    /// One submission with what its review needs, for `reviewerID` if they teach its course (nil otherwise: the
    /// submissions of other courses are not theirs to see).
    func item(id: Int64, reviewerID: Int64) async throws -> ReviewItem?

    /// Records a review by `reviewerID`, who must teach the course and not be the learner. An approval completes the
    /// checkpoint in the same transaction. Returns the reviewed item and the course's certificate code, if any.
    func review(id: Int64, reviewerID: Int64, decision: ReviewDecision, now: Date) async throws -> (item: ReviewItem, certificateCode: String?)

    /// Each instructor with submissions waiting in the courses they teach, with those submissions.
    func digests() async throws -> [ReviewDigest]
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension CheckpointStore {
    public func addInstructor(courseSlug: String, email: String, now: Date = Date()) async throws -> Bool {
        try await self.addInstructor(courseSlug: courseSlug, email: email, now: now)
    }

    public func submit(userID: Int64, lessonID: Int64, answer: CheckpointAnswer, now: Date = Date()) async throws -> CheckpointSubmission {
        try await self.submit(userID: userID, lessonID: lessonID, answer: answer, now: now)
    }

    public func waiting(courseSlug: String? = nil) async throws -> [ReviewItem] {
        try await self.waiting(courseSlug: courseSlug)
    }

    public func review(id: Int64, reviewerID: Int64, decision: ReviewDecision, now: Date = Date()) async throws -> (item: ReviewItem, certificateCode: String?) {
        try await self.review(id: id, reviewerID: reviewerID, decision: decision, now: now)
    }
}
