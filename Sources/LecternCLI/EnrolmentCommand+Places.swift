import ArgumentParser
import Foundation
import LecternCore
import LecternServices
import LecternStore

/// `lectern enrolment requests|approve|decline|waitlist`: places on approval courses and the queues for seats.
extension EnrolmentCommand {
    struct Requests: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the requests for a place that wait for a decision, oldest first, and those waiting for a seat.",
            discussion: """
                A pending request holds a seat until it is approved or declined. A request made while the course was \
                full waits for a seat on the waitlist; it becomes pending, and the learner is told, when one frees.

                Example:
                  lectern enrolment requests flask-framework-certificate
                """)

        @OptionGroup var site: SiteOptions
        @Argument(help: "The course's slug.") var course: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase()
            let detail = try await Lookup.course(course, in: database)
            let pending = try await database.enrolmentRequests.pending(courseID: detail.id)
            let waiting = detail.enrolmentMode == .approval ? try await database.waitlists.entries(courseID: detail.id) : []
            if output.json {
                struct Request: Encodable {
                    var email: String
                    var name: String
                    var note: String
                    var requestedAt: Date
                    var waitingForSeat: Int?
                }
                return try sayJSON(
                    pending.map { Request(email: $0.learnerEmail, name: $0.learnerName, note: $0.note, requestedAt: $0.requestedAt) }
                        + waiting.map { Request(email: $0.email, name: $0.name, note: $0.note, requestedAt: $0.joinedAt, waitingForSeat: $0.position) })
            }
            if detail.enrolmentMode != .approval, pending.isEmpty {
                return say("\(course) has `enrolment: \(detail.enrolmentMode.rawValue)`: learners do not ask for places, so there are no requests.")
            }
            guard !pending.isEmpty || !waiting.isEmpty else { return say("No requests wait for a decision on \(course).") }
            var table = Table("LEARNER", "NAME", "ASKED", "STATE", "NOTE")
            for request in pending {
                table.add(request.learnerEmail, request.learnerName, DisplayDate.text(request.requestedAt), "pending (holds a seat)", request.note)
            }
            for entry in waiting {
                table.add(entry.email, entry.name, DisplayDate.text(entry.joinedAt), "waiting for a seat (#\(entry.position))", entry.note)
            }
            table.maxWidth = 60
            table.say()
            say("")
            say("Decide with `lectern enrolment approve|decline <email> \(course) [--reason TEXT]`; the learner is mailed either way.")
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a learner's request: they are enrolled on the seat it held, and mailed.",
            discussion: "Example:\n  lectern enrolment approve ada@example.com flask-framework-certificate --reason \"Funded by Acme, PO 4417\"")

        @OptionGroup var decision: RequestDecision

        func run() async throws { try await decision.run(approve: true) }
    }

    struct Decline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decline a learner's request, pending or waiting for a seat; they are mailed, and a seat it held goes to the next in line.",
            discussion: "Example:\n  lectern enrolment decline bob@example.com flask-framework-certificate --reason \"The course needs Python experience first\"")

        @OptionGroup var decision: RequestDecision

        func run() async throws { try await decision.run(approve: false) }
    }

    struct Waitlist: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a course's waitlist in order: the first is enrolled when a seat frees.",
            discussion: """
                Seats free when a learner leaves, the capacity is raised or enrolment reopens, and when a request is \
                declined or withdrawn; the first in line is then enrolled (on an approval course, their request \
                becomes pending) in the same transaction, and mailed.

                Example:
                  lectern enrolment waitlist flask-framework-certificate
                """)

        @OptionGroup var site: SiteOptions
        @Argument(help: "The course's slug.") var course: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase()
            let detail = try await Lookup.course(course, in: database)
            let entries = try await database.waitlists.entries(courseID: detail.id)
            if output.json {
                struct Entry: Encodable {
                    var position: Int
                    var email: String
                    var name: String
                    var joinedAt: Date
                    var code: String?
                    var note: String
                }
                return try sayJSON(entries.map { Entry(position: $0.position, email: $0.email, name: $0.name, joinedAt: $0.joinedAt, code: $0.code, note: $0.note) })
            }
            guard !entries.isEmpty else { return say("Nobody is waiting for a seat on \(course).") }
            var table = Table("#", "LEARNER", "NAME", "JOINED", detail.enrolmentMode == .code ? "CODE" : "NOTE", numeric: [0])
            for entry in entries {
                table.add("\(entry.position)", entry.email, entry.name, DisplayDate.text(entry.joinedAt), entry.code ?? entry.note)
            }
            table.say()
        }
    }
}

/// Approving or declining, the same way for both: the arguments and the run.
struct RequestDecision: ParsableArguments {
    @OptionGroup var site: SiteOptions
    @Argument(help: "The learner's email address.") var email: String
    @Argument(help: "The course's slug.") var course: String
    @Option(name: .long, help: "A note for the learner, included in the mail (up to 500 characters).") var reason: String?
    @OptionGroup var dryRun: DryRunOption
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let reason, reason.count > Administration.maxReasonLength {
            throw ValidationError("--reason must be at most \(Administration.maxReasonLength) characters")
        }
    }

    func run(approve: Bool) async throws {
        let database = try await site.openDatabase(dryRun: dryRun.dryRun)
        let user = try await Lookup.account(email, in: database)
        let detail = try await Lookup.course(course, in: database)
        do {
            let request = try await Administration(database: database).decide(user, on: detail, approve: approve, reason: reason)
            if output.json {
                return try sayJSON(
                    EnrolmentChange(email: user.email, course: course, result: request.status.rawValue, dryRun: dryRun.dryRun))
            }
            say(
                dryRun.dryRun
                    ? "Would \(approve ? "approve" : "decline") \(user.email)'s request for \(course)."
                    : "\(approve ? "Approved" : "Declined") \(user.email)'s request for \(course)\(approve ? ": enrolled" : ""). The learner will be mailed.")
            dryRun.sayNothingChanged()
        } catch AdministrationRefusal.noRequest(let enrolled) {
            throw fail(
                enrolled
                    ? "\(user.email) is already enrolled in \(course); nothing to decide"
                    : "\(user.email) has no request for \(course) waiting for a decision (see `lectern enrolment requests \(course)`)")
        } catch AdministrationRefusal.requestWaitingForSeat(let position) {
            throw fail(
                "\(user.email)'s request waits for a seat (number \(position) on the waitlist): raise the capacity with "
                    + "`lectern course set-capacity \(course) <n>`, or admit them with `lectern enrolment add \(user.email) \(course) --over-capacity --reason TEXT`")
        }
    }
}
