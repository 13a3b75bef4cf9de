import ArgumentParser
import Foundation
import LecternCore
import LecternServices
import LecternStore

/// `lectern enrolment …`: who is on which course, and enrolling or removing learners by hand.
struct EnrolmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrolment",
        abstract: "List, add and remove enrolments; decide requests for places; see waitlists (with the same rules as the website).",
        subcommands: [List.self, Add.self, Remove.self, Requests.self, Approve.self, Decline.self, Waitlist.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List enrolments with each learner's progress, oldest first.",
            discussion: """
                Examples:
                  lectern enrolment list --course flask-framework-certificate
                  lectern enrolment list --csv > enrolments.csv
                """
        )

        @OptionGroup var site: SiteOptions

        @Option(name: .long, help: ArgumentHelp("Only this course.", valueName: "slug"))
        var course: String?

        @Flag(name: .long, help: "Print CSV (with a header row) for spreadsheets.")
        var csv = false

        @OptionGroup var output: OutputOptions

        func validate() throws {
            if csv && output.json { throw ValidationError("choose one of --csv and --json") }
        }

        func run() async throws {
            let database = try await site.openDatabase()
            if let course { _ = try await Lookup.course(course, in: database) }
            let records = try await database.enrolments.records(courseSlug: course)
            if output.json { return try sayJSON(records.map(EnrolmentJSON.init)) }
            if csv {
                say("email,name,course,enrolled_at,lessons_completed,lessons_required,percent,certificate")
                let formatter = ISO8601DateFormatter()
                for record in records {
                    say(
                        [
                            record.email, record.name, record.courseSlug, formatter.string(from: record.enrolledAt),
                            "\(record.progress.completedRequired)",
                            "\(record.progress.required)", "\(record.progress.percent)", record.certificateCode ?? "",
                        ].map(csvField).joined(separator: ","))
                }
                return
            }
            guard !records.isEmpty else { return say(course == nil ? "Nobody is enrolled yet." : "Nobody is enrolled in \(course!) yet.") }
            var table = Table("EMAIL", "NAME", "COURSE", "ENROLLED", "PROGRESS", "CERTIFICATE")
            for record in records {
                table.add(
                    record.email, record.name, record.courseSlug, DisplayDate.day(record.enrolledAt),
                    "\(record.progress.completedRequired)/\(record.progress.required) (\(record.progress.percent)%)", record.certificateCode ?? "-")
            }
            table.say()
            say("\(Counted.text(records.count, "enrolment")).")
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol a learner, if the course is open and has a seat. Enrolling twice changes nothing.",
            discussion: """
                To admit one learner to a full course, give --over-capacity with a --reason (kept with the enrolment, \
                shown by `enrolment list --json`). To enrol outside the dates, open the course first (`lectern course open`).

                Examples:
                  lectern enrolment add ada@example.com flask-framework-certificate
                  lectern enrolment add ada@example.com flask-framework-certificate --over-capacity --reason "Sponsored by Acme, PO 4417"
                """
        )

        @OptionGroup var site: SiteOptions
        @Argument(help: "The learner's email address.") var email: String
        @Argument(help: "The course's slug.") var course: String
        @Flag(name: .customLong("over-capacity"), help: "Admit the learner even when every seat is taken (needs --reason).")
        var overCapacity = false
        @Option(name: .long, help: "Why the learner is admitted beyond the seats (1 to 300 characters).")
        var reason: String?
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func validate() throws {
            let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
            if overCapacity, reason?.isEmpty != false { throw ValidationError("--over-capacity needs a --reason: say why this learner gets a seat beyond the capacity") }
            if !overCapacity, reason != nil { throw ValidationError("--reason goes with --over-capacity") }
            if let reason, reason.count > Enrolments.maxOverCapacityReasonLength {
                throw ValidationError("--reason must be at most \(Enrolments.maxOverCapacityReasonLength) characters")
            }
        }

        func run() async throws {
            let database = try await site.openDatabase(dryRun: dryRun.dryRun)
            let user = try await Lookup.account(email, in: database)
            let detail = try await Lookup.course(course, in: database)
            let outcome = try await Enrolments(database: database).admit(
                userID: user.id, to: detail, overCapacityReason: overCapacity ? reason?.trimmingCharacters(in: .whitespacesAndNewlines) : nil)
            let result: String
            switch outcome {
            case .enrolled: result = "enrolled"
            case .alreadyEnrolled: result = "already-enrolled"
            case .refused(let state):
                let reason: String
                switch state {
                case .full:
                    reason =
                        "the course is full (\(Counted.text(detail.capacity ?? 0, "seat"))): raise it with `lectern course set-capacity \(course) <n>`, "
                        + "or admit this learner with --over-capacity --reason TEXT"
                case .notYetOpen(let date):
                    reason = "enrolment opens on \(DisplayDate.text(date)) UTC: open it now with `lectern course open \(course)`"
                case .closed(let date): reason = "enrolment closed on \(DisplayDate.text(date)) UTC: reopen it with `lectern course open \(course)`"
                case .open: reason = "enrolment was refused"
                }
                throw fail("cannot enrol \(user.email) in \(course): \(reason)")
            case .needs, .waitlisted, .requested:
                throw fail("cannot enrol \(user.email) in \(course): an operator enrols on any course, so this should not happen")
            }
            if output.json { return try sayJSON(EnrolmentChange(email: user.email, course: course, result: result, dryRun: dryRun.dryRun)) }
            switch outcome {
            case .alreadyEnrolled: say("\(user.email) is already enrolled in \(course); nothing to do.")
            default: say("\(dryRun.dryRun ? "Would enrol" : "Enrolled") \(user.email) in \(course).")
            }
            dryRun.sayNothingChanged()
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a learner off a course, as if they had left it. Their lesson progress and any certificate stay.",
            discussion: "Example:\n  lectern enrolment remove ada@example.com flask-framework-certificate"
        )

        @OptionGroup var site: SiteOptions
        @Argument(help: "The learner's email address.") var email: String
        @Argument(help: "The course's slug.") var course: String
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase(dryRun: dryRun.dryRun)
            let user = try await Lookup.account(email, in: database)
            let detail = try await Lookup.course(course, in: database)
            let removed = try await Enrolments(database: database).remove(userID: user.id, from: detail)
            if output.json {
                return try sayJSON(
                    EnrolmentChange(email: user.email, course: course, result: removed ? "removed" : "not-enrolled", dryRun: dryRun.dryRun))
            }
            if removed {
                say("\(dryRun.dryRun ? "Would remove" : "Removed") \(user.email) from \(course).")
            } else {
                say("\(user.email) is not enrolled in \(course); nothing to do.")
            }
            dryRun.sayNothingChanged()
        }
    }
}

struct EnrolmentChange: Encodable {
    var email: String
    var course: String
    var result: String
    var dryRun: Bool
}

struct EnrolmentJSON: Encodable {
    var email: String
    var name: String
    var course: String
    var enrolledAt: Date
    var lessonsCompleted: Int
    var lessonsRequired: Int
    var percent: Int
    var certificate: String?
    var overCapacityReason: String?

    init(_ record: EnrolmentRecord) {
        overCapacityReason = record.overCapacityReason
        email = record.email
        name = record.name
        course = record.courseSlug
        enrolledAt = record.enrolledAt
        lessonsCompleted = record.progress.completedRequired
        lessonsRequired = record.progress.required
        percent = record.progress.percent
        certificate = record.certificateCode
    }
}
