import ArgumentParser
import Foundation
import LecternCore
import LecternServices
import LecternStore

/// `lectern code …`: access codes, the way a school sells places without a card processor.
struct CodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code",
        abstract: "Create, list, show and revoke access codes for places on a course.",
        discussion: """
            A course with `enrolment: code` in its course.md is entered with a code: the school invoices a company, takes \
            a purchase order or grants a scholarship, then hands out codes. One use of a code is one place; a code entered \
            while the course is full puts the learner on the waitlist with their place paid for.
            """,
        subcommands: [Create.self, List.self, Show.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create codes for a course and print them.",
            discussion: """
                Codes look like 7KQ2M-XW9FD-R4TCN: 15 characters without 0, O, 1, I, L or U (about 73 random bits). \
                Learners may type them in any case, with or without the dashes.

                Examples:
                  lectern code create flask-framework-certificate --count 30 --note "Acme Ltd, PO 4417"
                  lectern code create flask-framework-certificate --count 1 --uses-per-code 12 --expires 2027-03-31
                  lectern code create flask-framework-certificate --count 30 --csv > acme-codes.csv
                """
        )

        @OptionGroup var site: SiteOptions
        @Argument(help: "The course's slug.") var course: String
        @Option(name: .long, help: "How many codes (1 to 1000).") var count: Int
        @Option(name: .customLong("uses-per-code"), help: "Places each code gives (default 1).") var usesPerCode = 1
        @Option(name: .long, help: ArgumentHelp("Last day a code works (UTC), as YYYY-MM-DD, or YYYY-MM-DD HH:MM.", valueName: "date"))
        var expires: String?
        @Option(name: .long, help: "Who the codes are for, kept with them (an invoice or order number).") var note: String?
        @Flag(name: .long, help: "Print CSV (code, course, uses, expires, note) for a spreadsheet or a mail merge.") var csv = false
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if let expires, CodeExpiry.parse(expires) == nil {
                throw ValidationError("--expires must be a date such as 2027-03-31 or 2027-03-31 17:00, not '\(expires)'")
            }
            do {
                // The limits are the service's (the API's too); the expiry's own check waits for the run, which says more.
                _ = try CodeBatch(count: count, usesPerCode: usesPerCode, note: note)
            } catch .invalid(let field, let reason) {
                throw ValidationError("--\(field == "uses_per_code" ? "uses-per-code" : field) \(reason)")
            } catch {
                throw ValidationError("\(error)")
            }
        }

        func run() async throws {
            let database = try await site.openDatabase(dryRun: dryRun.dryRun)
            let detail = try await Lookup.course(course, in: database)
            let expiry = expires.flatMap(CodeExpiry.parse)
            let batch: CodeBatch
            do {
                batch = try CodeBatch(count: count, usesPerCode: usesPerCode, expiresAt: expiry, note: note)
            } catch {
                throw fail("--expires \(expires ?? "") is in the past: the codes would never work")
            }
            let codes = try await Administration(database: database).createCodes(batch, for: detail)
            if output.json { return try sayJSON(codes.map(AccessCodeJSON.init)) }
            if csv {
                say("code,course,uses_per_code,expires,note")
                for code in codes {
                    say([code.code, code.courseSlug, "\(code.usesAllowed)", code.expiresAt.map(DisplayDate.text) ?? "", code.note ?? ""].map(csvField).joined(separator: ","))
                }
                return
            }
            for code in codes { say(code.code) }
            let places = count * usesPerCode
            warn(
                "\(dryRun.dryRun ? "Would create" : "Created") \(Counted.text(count, "code")) for \(course) (\(Counted.text(places, "place")))"
                    + (expiry.map { ", working until \(DisplayDate.text($0)) UTC" } ?? "") + ".")
            if detail.enrolmentMode != .code {
                warn("Note: \(course) has `enrolment: \(detail.enrolmentMode.rawValue)`: codes give places only while its course.md says `enrolment: code`.")
            }
            dryRun.sayNothingChanged()
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a course's codes, newest first, with how much each was used.",
            discussion: "Example:\n  lectern code list flask-framework-certificate")

        @OptionGroup var site: SiteOptions
        @Argument(help: "The course's slug.") var course: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase()
            let detail = try await Lookup.course(course, in: database)
            let codes = try await database.accessCodes.list(courseID: detail.id)
            if output.json { return try sayJSON(codes.map(AccessCodeJSON.init)) }
            guard !codes.isEmpty else { return say("\(course) has no access codes. Create some with `lectern code create \(course) --count N`.") }
            let now = Date()
            var table = Table("CODE", "STATE", "USES", "EXPIRES", "NOTE")
            for code in codes {
                table.add(code.code, code.state(at: now), "\(code.uses)/\(code.usesAllowed)", code.expiresAt.map(DisplayDate.text) ?? "-", code.note ?? "")
            }
            table.say()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one code: its course, state and who used it.", discussion: "Example:\n  lectern code show 7KQ2M-XW9FD-R4TCN")

        @OptionGroup var site: SiteOptions
        @Argument(help: "The code (any case, dashes optional).") var code: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase()
            guard let record = try await database.accessCodes.show(code) else { throw fail("no access code '\(code)' exists") }
            if output.json { return try sayJSON(AccessCodeJSON(record)) }
            say(record.code)
            say("Course:   \(record.courseSlug)")
            say("State:    \(record.state(at: Date()))")
            say("Uses:     \(record.uses) of \(record.usesAllowed)")
            say("Expires:  \(record.expiresAt.map { "\(DisplayDate.text($0)) UTC" } ?? "never")")
            say("Created:  \(DisplayDate.text(record.createdAt)) UTC")
            if let revoked = record.revokedAt { say("Revoked:  \(DisplayDate.text(revoked)) UTC") }
            if let note = record.note { say("Note:     \(note)") }
            if record.redeemedBy.isEmpty {
                say("Used by:  nobody yet")
            } else {
                say("Used by:")
                for use in record.redeemedBy { say("  \(use.email)  \(DisplayDate.text(use.at)) UTC") }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw a code: it gives no more places. Places it already gave are kept.",
            discussion: "Example:\n  lectern code revoke 7KQ2M-XW9FD-R4TCN")

        @OptionGroup var site: SiteOptions
        @Argument(help: "The code (any case, dashes optional).") var code: String
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase(dryRun: dryRun.dryRun)
            let revoked: Bool
            do {
                revoked = try await Administration(database: database).revokeCode(code)
            } catch AdministrationRefusal.noSuchCode {
                throw fail("no access code '\(code)' exists")
            }
            let normalized = AccessCode.normalize(code) ?? code
            if output.json {
                struct JSON: Encodable {
                    var code: String
                    var changed: Bool
                    var dryRun: Bool
                }
                return try sayJSON(JSON(code: normalized, changed: revoked, dryRun: dryRun.dryRun))
            }
            if !revoked { return say("\(normalized) is already revoked; nothing to do.") }
            say("\(dryRun.dryRun ? "Would revoke" : "Revoked") \(normalized): it gives no more places.")
            dryRun.sayNothingChanged()
        }
    }
}

/// `--expires`: a bare date means the code works through that whole day (UTC).
enum CodeExpiry {
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let date = ContentDate.parse(trimmed) else { return nil }
        return trimmed.count == 10 ? date.addingTimeInterval(86_400) : date
    }
}

struct AccessCodeJSON: Encodable {
    var code: String
    var course: String
    var state: String
    var uses: Int
    var usesAllowed: Int
    var expiresAt: Date?
    var note: String?
    var createdAt: Date
    var revokedAt: Date?
    var usedBy: [String]

    init(_ record: AccessCodeRecord) {
        code = record.code
        course = record.courseSlug
        state = record.state(at: Date())
        uses = record.uses
        usesAllowed = record.usesAllowed
        expiresAt = record.expiresAt
        note = record.note
        createdAt = record.createdAt
        revokedAt = record.revokedAt
        usedBy = record.redeemedBy.map(\.email)
    }
}
