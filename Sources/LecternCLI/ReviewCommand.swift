import ArgumentParser
import Foundation
import LecternCore
import LecternServices
import LecternStore

/// `lectern review …`: the checkpoint review queue from the command line, with the same rules as `/review`.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "See and decide checkpoint submissions (the same queue and rules as /review).",
        discussion: """
            Decisions are recorded in an instructor's name (--as): they must be an instructor of the course (see \
            `lectern course instructors`) and cannot review their own work. Returning work needs --feedback.
            """,
        subcommands: [List.self, Show.self, Approve.self, Return.self]
    )

    /// A submission as the CLI prints it.
    struct ItemJSON: Encodable {
        var id: Int64
        var learner: String
        var learnerEmail: String
        var course: String
        var lesson: String
        var version: Int
        var status: String
        var submittedAt: Date
        var text: String
        var link: String?
        var feedback: String?
        var reviewer: String?
        var reviewedAt: Date?

        init(_ item: ReviewItem) {
            id = item.submission.id
            learner = item.learnerName
            learnerEmail = item.learnerEmail
            course = item.courseSlug
            lesson = item.lessonSlug
            version = item.submission.version
            status = item.submission.status.rawValue
            submittedAt = item.submission.submittedAt
            text = item.submission.text
            link = item.submission.link
            feedback = item.submission.feedback
            reviewer = item.submission.reviewerName
            reviewedAt = item.submission.reviewedAt
        }

        enum CodingKeys: String, CodingKey {
            case id, learner, course, lesson, version, status, text, link, feedback, reviewer
            case learnerEmail = "learner_email", submittedAt = "submitted_at", reviewedAt = "reviewed_at"
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the submissions waiting for review, oldest first.",
            discussion: "Examples:\n  lectern review list\n  lectern review list --course flask-framework-certificate --json")

        @OptionGroup var site: SiteOptions
        @Option(help: "Only this course's submissions.") var course: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let store = try await site.openDatabase().checkpoints
            let items = try await checkpointErrorsExplained { try await store.waiting(courseSlug: course) }
            if output.json { return try sayJSON(items.map(ItemJSON.init)) }
            guard !items.isEmpty else { return say("Nothing is waiting for review.") }
            for item in items {
                say("\(item.submission.id)  \(item.learnerName) <\(item.learnerEmail)>  \(item.courseSlug) / \(item.lessonSlug)  version \(item.submission.version)  sent \(item.submission.submittedAt.formatted(.iso8601))")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one submission: the learner, the checkpoint, the text and link, and its review.",
            discussion: "Example:\n  lectern review show 12")

        @OptionGroup var site: SiteOptions
        @Argument(help: "The submission's number (see `lectern review list`).") var id: Int64
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let store = try await site.openDatabase().checkpoints
            guard let item = try await store.item(id: id) else { throw fail(CheckpointStoreError.noSuchSubmission(id).description) }
            if output.json { return try sayJSON(ItemJSON(item)) }
            say("Submission \(item.submission.id): \(item.learnerName) <\(item.learnerEmail)>")
            say("Checkpoint: \(item.courseTitle) / \(item.lessonTitle), version \(item.submission.version), \(item.submission.status.rawValue)")
            if let link = item.submission.link { say("Link: \(link)") }
            say("")
            say(item.submission.text)
            if let feedback = item.submission.feedback { say("\nFeedback from \(item.submission.reviewerName ?? "an instructor"): \(feedback)") }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a submission in an instructor's name: the checkpoint is complete.",
            discussion: "Example:\n  lectern review approve 12 --as maya@example.com --feedback \"Clean work.\"")

        @OptionGroup var site: SiteOptions
        @Argument(help: "The submission's number.") var id: Int64
        @Option(name: .customLong("as"), help: "The reviewing instructor's account address.") var reviewer: String
        @Option(help: "Optional feedback for the learner.") var feedback: String?
        @OptionGroup var dryRun: DryRunOption

        func run() async throws {
            let database = try await site.openDatabase(dryRun: dryRun.dryRun)
            let reviewed = try await checkpointErrorsExplained {
                let reviewerID = try await database.checkpoints.userID(email: reviewer)
                return try await Reviews(database: database).decide(submission: id, by: reviewerID, approve: true, feedback: feedback ?? "")
            }
            say("Approved \(reviewed.item.learnerName)'s \(reviewed.item.lessonTitle).")
            if let code = reviewed.certificateCode { say("Their certificate for \(reviewed.item.courseTitle): \(code)") }
            dryRun.sayNothingChanged()
        }
    }

    struct Return: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Return a submission with feedback in an instructor's name: the learner sends a new version.",
            discussion: "Example:\n  lectern review return 12 --as maya@example.com --feedback \"Add a test for the 404 page.\"")

        @OptionGroup var site: SiteOptions
        @Argument(help: "The submission's number.") var id: Int64
        @Option(name: .customLong("as"), help: "The reviewing instructor's account address.") var reviewer: String
        @Option(help: "What the learner should change (needed).") var feedback: String
        @OptionGroup var dryRun: DryRunOption

        func run() async throws {
            let database = try await site.openDatabase(dryRun: dryRun.dryRun)
            let reviewed = try await checkpointErrorsExplained {
                let reviewerID = try await database.checkpoints.userID(email: reviewer)
                return try await Reviews(database: database).decide(submission: id, by: reviewerID, approve: false, feedback: feedback)
            }
            say("Returned \(reviewed.item.learnerName)'s \(reviewed.item.lessonTitle) with feedback.")
            dryRun.sayNothingChanged()
        }
    }
}

/// Checkpoint-store errors and refusals as one clear line and exit status 1 (for `review` and `course instructors`).
func checkpointErrorsExplained<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as CheckpointStoreError {
        throw fail(error.description)
    } catch let refusal as CheckpointRefusal {
        throw fail(refusal.message)
    } catch ReviewRefusal.noSuchSubmission(let id) {
        throw fail(CheckpointStoreError.noSuchSubmission(id).description)
    } catch ReviewRefusal.feedbackTooLong(let count) {
        throw fail("--feedback must be at most \(Reviews.maxFeedbackLength) characters (it has \(count)), as on /review")
    }
}
