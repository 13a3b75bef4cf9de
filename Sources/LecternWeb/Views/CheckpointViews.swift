import Foundation
import LecternCore

/// A checkpoint on its lesson page: where the learner's work stands, the form for a (new) version, and every version
/// sent so far with its review.
struct CheckpointView: Sendable {
    var action: String
    var canSubmit: Bool
    var status: String?
    var isApproved: Bool
    var isWaiting: Bool
    var text: FieldView
    var link: FieldView
    var maximumText: Int
    var maximumTextLabel: String
    var formError: String?
    var history: [SubmissionView]
    var hasHistory: Bool
}

struct SubmissionView: Sendable {
    var version: Int
    var statusLabel: String
    var isApproved: Bool
    var isReturned: Bool
    var submittedAt: String
    var text: String
    var link: String?
    var feedback: String?
    var reviewer: String?
    var reviewedAt: String?
}

extension SubmissionView {
    init(_ submission: CheckpointSubmission, dates: DateText) {
        let label =
            switch submission.status {
            case .submitted: "Waiting for review"
            case .approved: "Approved"
            case .returned: "Returned with feedback"
            }
        self.init(
            version: submission.version,
            statusLabel: label,
            isApproved: submission.status == .approved, isReturned: submission.status == .returned,
            submittedAt: dates.longWithTime(submission.submittedAt), text: submission.text, link: submission.link, feedback: submission.feedback,
            reviewer: submission.reviewerName, reviewedAt: submission.reviewedAt.map(dates.longWithTime))
    }
}

extension CheckpointView {
    init(
        _ submissions: [CheckpointSubmission], action: String, dates: DateText, text: String = "", link: String = "", problems: [String: String] = [:]
    ) {
        let latest = submissions.first
        self.action = action
        isApproved = latest?.status == .approved
        isWaiting = latest?.status == .submitted
        canSubmit = !isApproved && !isWaiting
        status =
            switch latest?.status {
            case .submitted: "Sent on \(dates.longWithTime(latest!.submittedAt)): an instructor will review it, and their decision shows here."
            case .approved: "Approved by \(latest?.reviewerName ?? "an instructor"): this checkpoint is complete."
            case .returned: "Returned by \(latest?.reviewerName ?? "an instructor") with feedback: read it below, then send a new version."
            case nil: nil
            }
        self.text = FieldView(value: text, error: problems["text"])
        self.link = FieldView(value: link, error: problems["link"])
        maximumText = CheckpointAnswer.maximumText
        maximumTextLabel = CheckpointAnswer.maximumText.formatted()
        formError = problems.isEmpty ? nil : "Your work was not sent: see below."
        history = submissions.map { SubmissionView($0, dates: dates) }
        hasHistory = !submissions.isEmpty
    }
}
