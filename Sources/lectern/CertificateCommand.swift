import ArgumentParser
import Foundation
import LecternStore

/// `lectern certificate …`: revoke certificates issued in error.
struct CertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate",
        abstract: "Manage completion certificates.",
        subcommands: [Revoke.self]
    )

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a certificate. Its public page then shows it as revoked, with the date and reason.",
            discussion: "Example:\n  lectern certificate revoke 7KQ2M-XD4PA-9RTZC-H8W3N --reason \"Issued in error\""
        )

        @OptionGroup var site: SiteOptions

        @Argument(help: "The verification code printed on the certificate.")
        var code: String

        @Option(name: .long, help: "Why it is revoked; shown on the certificate's page.")
        var reason: String

        func run() async throws {
            let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty, reason.count <= 300 else { throw fail("--reason must be 1 to 300 characters") }
            let database: LecternDatabase
            do { database = try LecternDatabase.open(path: site.databasePath) } catch { throw fail(error.description) }
            let store = EnrolmentStore(database: database)
            let normalised = code.trimmingCharacters(in: .whitespaces).uppercased()
            guard let certificate = try await store.certificate(code: normalised) else {
                throw fail("no certificate has the code '\(code)'")
            }
            guard certificate.revokedAt == nil else { throw fail("certificate \(normalised) is already revoked") }
            _ = try await store.revoke(code: normalised, reason: reason)
            print("revoked \(normalised): \(certificate.learnerName), \(certificate.courseTitle)")
        }
    }
}
