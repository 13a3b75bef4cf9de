import Foundation

/// Where a checkpoint submission stands: waiting for an instructor, approved, or returned with feedback.
public enum SubmissionStatus: String, Sendable, Equatable, Codable {
    case submitted
    case approved
    case returned
}

/// One version of a learner's answer to a checkpoint's brief, with its review.
public struct CheckpointSubmission: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64
    public var lessonID: Int64
    /// 1 for the first submission, then one more for each resubmission.
    public var version: Int
    public var text: String
    public var link: String?
    public var status: SubmissionStatus
    public var submittedAt: Date
    public var reviewerName: String?
    public var reviewedAt: Date?
    public var feedback: String?

    public init(
        id: Int64, userID: Int64, lessonID: Int64, version: Int, text: String, link: String?, status: SubmissionStatus, submittedAt: Date,
        reviewerName: String? = nil, reviewedAt: Date? = nil, feedback: String? = nil
    ) {
        self.id = id
        self.userID = userID
        self.lessonID = lessonID
        self.version = version
        self.text = text
        self.link = link
        self.status = status
        self.submittedAt = submittedAt
        self.reviewerName = reviewerName
        self.reviewedAt = reviewedAt
        self.feedback = feedback
    }
}

/// What a learner sends for a checkpoint, checked: text up to 20,000 characters, and an optional http(s) link.
public struct CheckpointAnswer: Sendable, Equatable {
    public static let maximumText = 20_000
    public static let maximumLink = 2_000

    public var text: String
    public var link: String?

    /// Per field (`text`, `link`), what to fix.
    public struct Problems: Error, Sendable, Equatable {
        public var fields: [String: String]
    }

    public init(text rawText: String, link rawLink: String) throws(Problems) {
        var problems: [String: String] = [:]
        let text = rawText.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty {
            problems["text"] = "Write what you did, or paste your code: the instructor reviews this text."
        } else if rawText.unicodeScalars.count > Self.maximumText {
            // Counted as sent (spaces and line ends included), as the API's contract counts it.
            problems["text"] = "Keep it under \(Self.maximumText.formatted()) characters (this is \(rawText.unicodeScalars.count.formatted())); link to the rest."
        }
        let link = rawLink.trimmingCharacters(in: .whitespaces)
        var checkedLink: String?
        if rawLink.unicodeScalars.count > Self.maximumLink {
            problems["link"] = "Keep the link under \(Self.maximumLink) characters."
        } else if !link.isEmpty {
            if let reason = Self.linkProblem(link) { problems["link"] = reason } else { checkedLink = link }
        }
        guard problems.isEmpty else { throw Problems(fields: problems) }
        self.text = text
        self.link = checkedLink
    }

    /// Why `link` cannot be offered to an instructor as a link, or nil when it can.
    static func linkProblem(_ link: String) -> String? {
        guard link.unicodeScalars.count <= maximumLink else { return "Keep the link under \(maximumLink) characters." }
        guard !link.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }),
            let components = URLComponents(string: link), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = components.host, !host.isEmpty, host.contains(".") || host == "localhost"
        else {
            return "Give a full web address starting with https:// (for example your repository's), or leave it empty."
        }
        return nil
    }
}

/// Why a checkpoint action was refused.
public enum CheckpointRefusal: Error, Sendable, Equatable {
    /// A submission is waiting for review: one at a time.
    case awaitingReview
    /// The checkpoint is approved: nothing more to send.
    case alreadyApproved
    /// Only an instructor of the course reviews its checkpoints.
    case notAnInstructor
    /// Nobody reviews their own work.
    case ownSubmission
    /// The submission was reviewed already (by someone else, or in another tab).
    case alreadyReviewed
    /// Returning work needs a word on what to change.
    case feedbackNeeded

    public var message: String {
        switch self {
        case .awaitingReview: "Your submission is waiting for an instructor's review; you can send a new version if it is returned."
        case .alreadyApproved: "This checkpoint is approved: there is nothing more to send."
        case .notAnInstructor: "Only an instructor of this course reviews its checkpoints."
        case .ownSubmission: "You cannot review your own submission."
        case .alreadyReviewed: "This submission was reviewed already."
        case .feedbackNeeded: "Say what to change: returned work needs feedback for the learner."
        }
    }
}
