import ArgumentParser
import Foundation
import LecternCore
import LecternServices
import LecternStore

/// `lectern certificate …`: the certificates issued, and revoking one issued in error.
struct CertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate",
        abstract: "List, revoke and reissue completion certificates.",
        subcommands: [List.self, Revoke.self, Reissue.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List certificates, newest first.",
            discussion: "Examples:\n  lectern certificate list\n  lectern certificate list --course flask-framework-certificate --json"
        )

        @OptionGroup var site: SiteOptions

        @Option(name: .long, help: ArgumentHelp("Only this course.", valueName: "slug"))
        var course: String?

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase()
            // A course removed since keeps its certificates, so an unknown slug is only an error when none match.
            let records = try await Certificates(database: database).issued(courseSlug: course)
            if let course, records.isEmpty { _ = try await Lookup.course(course, in: database) }
            if output.json { return try sayJSON(records.map { CertificateJSON($0.certificate, email: $0.email) }) }
            guard !records.isEmpty else { return say("No certificates have been issued\(course.map { " for \($0)" } ?? "") yet.") }
            var table = Table("CODE", "LEARNER", "EMAIL", "COURSE", "COMPLETED", "STATUS")
            for record in records {
                let certificate = record.certificate
                table.add(
                    certificate.code, certificate.learnerName, record.email ?? "(account deleted)", certificate.courseSlug,
                    DisplayDate.day(certificate.completedAt),
                    certificate.revokedAt.map { "revoked \(DisplayDate.day($0))" } ?? certificate.replacedBy.map { "replaced by \($0)" } ?? "valid")
            }
            table.say()
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a certificate. Its public page then shows it as revoked, with the date and reason.",
            discussion: "Example:\n  lectern certificate revoke 7KQ2MXD4PA9RTZCH8W3N --reason \"Issued in error\""
        )

        @OptionGroup var site: SiteOptions

        @Argument(help: "The verification code printed on the certificate.")
        var code: String

        @Option(name: .long, help: "Why it is revoked; shown on the certificate's page.")
        var reason: String

        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase(dryRun: dryRun.dryRun)
            let normalised = code.trimmingCharacters(in: .whitespaces).uppercased()
            let revoked: (certificate: Certificate, changed: Bool)?
            do {
                revoked = try await Certificates(database: database).revoke(code, reason: reason)
            } catch AdministrationRefusal.invalid {
                throw fail("--reason must be 1 to \(Certificates.maxRevocationReasonLength) characters")
            }
            guard let (certificate, changed) = revoked else { throw fail("no certificate has the code '\(code)' (see `lectern certificate list`)") }
            let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            if output.json {
                struct JSON: Encodable {
                    var code: String
                    var learner: String
                    var course: String
                    var reason: String
                    var changed: Bool
                    var dryRun: Bool
                }
                return try sayJSON(
                    JSON(
                        code: normalised, learner: certificate.learnerName, course: certificate.courseSlug,
                        reason: changed ? reason : certificate.revokeReason ?? "", changed: changed, dryRun: dryRun.dryRun))
            }
            // Revoked already: the first reason stands (it is what the certificate's page shows).
            guard changed else { return say("certificate \(normalised) is already revoked (\(certificate.revokeReason ?? "no reason given")); nothing to do.") }
            say("\(dryRun.dryRun ? "Would revoke" : "Revoked") \(normalised): \(certificate.learnerName), \(certificate.courseTitle).")
            dryRun.sayNothingChanged()
        }
    }
}

extension CertificateCommand {
    struct Reissue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a corrected certificate under a new code; the old one's page then says it was replaced and links the new one.",
            discussion: """
                The new certificate keeps the course, the completion date and what was assessed. Its name is --name, or the learner's
                name on their account now (a certificate otherwise keeps the name it was issued in).

                Examples:
                  lectern certificate reissue 7KQ2M-XD4PA-9RTZC-H8W3N
                  lectern certificate reissue 7KQ2M-XD4PA-9RTZC-H8W3N --name "Ada King"
                """
        )

        @OptionGroup var site: SiteOptions

        @Argument(help: "The verification code printed on the certificate.")
        var code: String

        @Option(name: .long, help: "The name to print (default: the learner's current account name).")
        var name: String?

        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var cleanName: String?
            if let name {
                do { cleanName = try PersonName.clean(name) } catch { throw fail("--name: \(error.description)") }
            }
            let database = try await site.openDatabase(dryRun: dryRun.dryRun)
            let normalised = code.trimmingCharacters(in: .whitespaces).uppercased()
            let reissued: Certificate
            do {
                reissued = try await Certificates(database: database).reissue(code, name: cleanName)
            } catch let error as CertificateReissueError {
                throw fail(error.message)
            }
            if output.json {
                struct JSON: Encodable {
                    var replaced: String
                    var code: String
                    var learner: String
                    var course: String
                    var dryRun: Bool
                }
                return try sayJSON(
                    JSON(replaced: normalised, code: reissued.code, learner: reissued.learnerName, course: reissued.courseSlug, dryRun: dryRun.dryRun))
            }
            say(
                "\(dryRun.dryRun ? "Would reissue" : "Reissued") \(normalised) as \(reissued.code): \(reissued.learnerName), \(reissued.courseTitle)."
                    + " The old certificate's page now links the new one.")
            dryRun.sayNothingChanged()
        }
    }
}

struct CertificateJSON: Encodable {
    var code: String
    var learner: String
    var email: String?
    var course: String
    var courseTitle: String
    var completedAt: Date
    var revokedAt: Date?
    var revokeReason: String?
    var replacedBy: String?
    var assessed: String?
    var courseVersion: String?

    init(_ certificate: Certificate, email: String?) {
        code = certificate.code
        learner = certificate.learnerName
        self.email = email
        course = certificate.courseSlug
        courseTitle = certificate.courseTitle
        completedAt = certificate.completedAt
        revokedAt = certificate.revokedAt
        revokeReason = certificate.revokeReason
        replacedBy = certificate.replacedBy
        assessed = certificate.assessment?.sentence
        courseVersion = certificate.assessment?.courseVersion
    }
}
