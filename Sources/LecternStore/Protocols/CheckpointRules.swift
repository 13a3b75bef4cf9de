import Foundation
import LecternCore

// The checkpoint rules that are not SQL, shared by the SQLite and PostgreSQL stores.

extension CheckpointSubmission {
    /// The version a learner's new submission gets after their newest one (`latest`: its version and stored status;
    /// nil before the first). Refused while one waits for review, and once the checkpoint is approved.
    static func nextVersion(after latest: (version: Int, status: String)?) throws -> Int {
        switch latest.flatMap({ SubmissionStatus(rawValue: $0.status) }) {
        case .submitted: throw CheckpointRefusal.awaitingReview
        case .approved: throw CheckpointRefusal.alreadyApproved
        case .returned, nil: return (latest?.version ?? 0) + 1
        }
    }
}

extension ReviewItem {
    /// The status and feedback a review by `reviewerID` records. Refused unless they teach the course (`teaches`),
    /// when the work is their own, once it was reviewed, and when work is returned without feedback.
    func outcome(of decision: ReviewDecision, reviewerID: Int64, teaches: Bool) throws -> (status: SubmissionStatus, feedback: String?) {
        guard teaches else { throw CheckpointRefusal.notAnInstructor }
        guard submission.userID != reviewerID else { throw CheckpointRefusal.ownSubmission }
        guard submission.status == .submitted else { throw CheckpointRefusal.alreadyReviewed }
        let (status, feedback): (SubmissionStatus, String?) =
            switch decision {
            case .approve(let feedback): (.approved, feedback)
            case .return(let feedback): (.returned, feedback)
            }
        if status == .returned, feedback?.isEmpty != false { throw CheckpointRefusal.feedbackNeeded }
        return (status, feedback)
    }

    /// The item as the review just recorded left it.
    mutating func record(_ status: SubmissionStatus, feedback: String?, reviewerName: String?, at now: Date) {
        submission.status = status
        submission.reviewedAt = now
        submission.feedback = feedback
        submission.reviewerName = reviewerName
    }
}

extension ReviewDigest {
    /// One waiting submission as an instructor's digest lists it.
    typealias Line = (
        instructorEmail: String, instructorName: String, courseTitle: String, lessonTitle: String, learnerName: String, submittedAt: Date, id: Int64
    )

    /// The digests of `lines` read in instructor order (by address, then oldest first): one per instructor.
    static func grouping(_ lines: [Line]) -> [ReviewDigest] {
        var digests: [ReviewDigest] = []
        for line in lines {
            if digests.last?.instructorEmail != line.instructorEmail {
                digests.append(ReviewDigest(instructorEmail: line.instructorEmail, instructorName: line.instructorName, waiting: []))
            }
            digests[digests.count - 1].waiting.append((line.courseTitle, line.lessonTitle, line.learnerName, line.submittedAt, line.id))
        }
        return digests
    }
}
