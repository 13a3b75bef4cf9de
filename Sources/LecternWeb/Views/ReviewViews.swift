import Foundation
import LecternStore

/// A submission as a line of the review queue.
struct ReviewQueueItemView: Sendable {
    var url: String
    var learnerName: String
    var courseTitle: String
    var lessonTitle: String
    var version: Int
    var isResubmission: Bool
    var submittedAt: String
}

extension ReviewQueueItemView {
    init(_ item: ReviewItem, dates: DateText) {
        self.init(
            url: "/review/\(item.submission.id)", learnerName: item.learnerName, courseTitle: item.courseTitle, lessonTitle: item.lessonTitle,
            version: item.submission.version, isResubmission: item.submission.version > 1, submittedAt: dates.longWithTime(item.submission.submittedAt))
    }
}

struct ReviewQueueView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var items: [ReviewQueueItemView]
    var hasItems: Bool
    var count: Int
    var notice: String?
    /// Requests for places on the approval courses the instructor teaches, oldest first.
    var requests: [PlaceRequestView] = []
    var hasRequests = false
    var csrf = ""
}

/// A learner's request for a place, with the form that decides it.
struct PlaceRequestView: Sendable {
    var action: String
    var learnerName: String
    var courseTitle: String
    var requestedAt: String
    var note: String?
    /// Unique per request, for the reason field's label.
    var fieldID: String
}

struct ReviewPageView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var item: ReviewQueueItemView
    var briefHTML: String
    var text: String
    var link: String?
    var csrf: String
    var feedback: FieldView
    /// Waiting for a decision (and not the reviewer's own work).
    var isOpen: Bool
    var isOwn: Bool
    var outcome: String?
    var reviewedFeedback: String?
}
