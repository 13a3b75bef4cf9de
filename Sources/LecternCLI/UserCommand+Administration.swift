import ArgumentParser
import Foundation
import LecternCore
import LecternServices
import LecternStore

extension UserCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List accounts, newest first.",
            discussion: "Examples:\n  lectern user list --role admin\n  lectern user list --search lovelace --json"
        )

        @OptionGroup var site: SiteOptions

        @Option(name: .long, help: ArgumentHelp("Only learners or only admins.", valueName: "learner|admin"))
        var role: String?

        @Option(name: .long, help: ArgumentHelp("Part of the email address or name (any case).", valueName: "text"))
        var search: String?

        @Option(name: .long, help: "At most this many accounts.")
        var limit = 1000

        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (1...1_000_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 1000000") }
        }

        func run() async throws {
            var wanted: User.Role?
            if let role {
                guard let parsed = User.Role(rawValue: role.lowercased()) else { throw fail("--role must be learner or admin, not '\(role)'") }
                wanted = parsed
            }
            let database = try await site.openDatabase()
            let users = try await Administration(database: database).accounts(role: wanted, search: search, limit: limit)
            if output.json {
                return try sayJSON(users.map { UserJSON($0.user, enrolments: $0.enrolments, lastSeenAt: $0.lastSeenAt) })
            }
            guard !users.isEmpty else { return say(search == nil && role == nil ? "There are no accounts yet." : "No account matches.") }
            var table = Table("EMAIL", "NAME", "ROLE", "STATUS", "COURSES", "CREATED", "LAST SEEN", numeric: [4])
            for item in users {
                table.add(
                    item.user.email, item.user.name, item.user.role.rawValue, item.user.isDisabled ? "disabled" : "active", "\(item.enrolments)",
                    DisplayDate.day(item.user.createdAt), DisplayDate.text(item.lastSeenAt))
            }
            table.say()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an account: profile, active sessions, enrolments and certificates.",
            discussion: "Example:\n  lectern user show ada@example.com"
        )

        @OptionGroup var site: SiteOptions
        @Argument(help: "The account's email address.") var email: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase()
            let user = try await Lookup.account(email, in: database)
            let overview = try await Administration(database: database).overview(
                of: user, sessions: database.sessions(lifetime: try AccountSettings.sessionLifetime()))
            let (sessions, enrolments, certificates) = (overview.sessions, overview.enrolments, overview.certificates)
            if output.json {
                struct Session: Encodable {
                    var createdAt: Date
                    var lastSeenAt: Date
                    var userAgent: String
                    var address: String
                }
                struct JSON: Encodable {
                    var user: UserJSON
                    var sessions: [Session]
                    var enrolments: [EnrolmentJSON]
                    var certificates: [CertificateJSON]
                }
                return try sayJSON(
                    JSON(
                        user: UserJSON(user),
                        sessions: sessions.map {
                            Session(createdAt: $0.createdAt, lastSeenAt: $0.lastSeenAt, userAgent: $0.userAgent, address: $0.clientAddress)
                        },
                        enrolments: enrolments.map(EnrolmentJSON.init), certificates: certificates.map { CertificateJSON($0, email: user.email) }))
            }
            say("\(user.name) <\(user.email)>")
            say("Role:     \(user.role.rawValue)\(user.isDisabled ? ", disabled" : "")")
            say("Address:  \(user.isEmailVerified ? "verified" : "not verified (certificates wait; `lectern user verify \(user.email)`)")")
            say("Created:  \(DisplayDate.text(user.createdAt)) UTC (id \(user.id))")
            say("")
            if sessions.isEmpty {
                say("Sessions: none active")
            } else {
                say("Sessions: \(sessions.count) active")
                var table = Table("  SIGNED IN", "LAST SEEN", "ADDRESS", "BROWSER")
                for session in sessions {
                    table.add(
                        "  " + DisplayDate.text(session.createdAt), DisplayDate.text(session.lastSeenAt), session.clientAddress, session.userAgent)
                }
                table.say()
            }
            say("")
            if enrolments.isEmpty {
                say("Courses:  none")
            } else {
                say("Courses:")
                var table = Table("  COURSE", "ENROLLED", "PROGRESS", "CERTIFICATE")
                for enrolment in enrolments {
                    table.add(
                        "  " + enrolment.courseSlug, DisplayDate.day(enrolment.enrolledAt),
                        "\(enrolment.progress.completedRequired)/\(enrolment.progress.required) (\(enrolment.progress.percent)%)",
                        enrolment.certificateCode ?? "-")
                }
                table.say()
            }
            if !certificates.isEmpty {
                say("")
                say("Certificates:")
                var table = Table("  CODE", "COURSE", "COMPLETED", "STATUS")
                for certificate in certificates {
                    table.add(
                        "  " + certificate.code, certificate.courseSlug, DisplayDate.day(certificate.completedAt),
                        certificate.revokedAt == nil ? "valid" : "revoked")
                }
                table.say()
            }
        }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an account an administrator.", discussion: "Example:\n  lectern user promote grace@example.com")

        @OptionGroup var site: SiteOptions
        @Argument(help: "The account's email address.") var email: String
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await AccountChange(site: site, email: email, dryRun: dryRun, output: output).run(
                skip: { $0.role == .admin ? "\($0.email) is already an administrator" : nil }, action: "make it an administrator",
                done: "is now an administrator"
            ) { administration, user in
                try await administration.setRole(user, .admin)
            }
        }
    }

    struct Demote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an administrator a learner again (never the last active one).",
            discussion: "Example:\n  lectern user demote grace@example.com")

        @OptionGroup var site: SiteOptions
        @Argument(help: "The account's email address.") var email: String
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await AccountChange(site: site, email: email, dryRun: dryRun, output: output).run(
                skip: { $0.role == .learner ? "\($0.email) is already a learner" : nil }, action: "make it a learner", done: "is now a learner"
            ) { administration, user in
                try await administration.setRole(user, .learner)
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop an account from logging in; its sessions, reset links, pending address change and access tokens end at once. Enrolments and certificates stay.",
            discussion: "Example:\n  lectern user disable mallory@example.com")

        @OptionGroup var site: SiteOptions
        @Argument(help: "The account's email address.") var email: String
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await AccountChange(site: site, email: email, dryRun: dryRun, output: output).run(
                skip: { $0.isDisabled ? "\($0.email) is already disabled" : nil }, action: "disable it and end its sessions",
                done: "is disabled and logged out everywhere"
            ) { administration, user in
                try await administration.setDisabled(user, true)
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let a disabled account log in again.", discussion: "Example:\n  lectern user enable mallory@example.com")

        @OptionGroup var site: SiteOptions
        @Argument(help: "The account's email address.") var email: String
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await AccountChange(site: site, email: email, dryRun: dryRun, output: output).run(
                skip: { $0.isDisabled ? nil : "\($0.email) is already enabled" }, action: "enable it", done: "can log in again"
            ) { administration, user in
                try await administration.setDisabled(user, false)
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark an account's address as verified, as if its owner had followed the link mailed to it.",
            discussion: """
                For an owner whose mail never arrives and who proved the address another way. Certificates the learner \
                earned meanwhile are issued at once.

                Example:
                  lectern user verify ada@example.com
                """)

        @OptionGroup var site: SiteOptions
        @Argument(help: "The account's email address.") var email: String
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await AccountChange(site: site, email: email, dryRun: dryRun, output: output).run(
                skip: { $0.isEmailVerified ? "\($0.email) is already verified" : nil }, action: "verify its address", done: "is verified"
            ) { administration, user in
                try await administration.verifyAddress(of: user)
            }
        }
    }

    struct ResetLink: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-link",
            abstract: "Print a one-time password reset link to pass on to the account's owner.",
            discussion: """
                The link works once, for one hour, and replaces any earlier link. It starts with LECTERN_BASE_URL \
                (or --base-url), so set that to the site's public address.

                Example:
                  LECTERN_BASE_URL=https://academy.example lectern user reset-link ada@example.com
                """
        )

        @OptionGroup var site: SiteOptions
        @Argument(help: "The account's email address.") var email: String

        @Option(name: .long, help: ArgumentHelp("The site's public address (env LECTERN_BASE_URL).", valueName: "url"))
        var baseURL: String?

        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let base = try AccountSettings.baseURL(flag: baseURL) ?? "http://127.0.0.1:\(Environment.value("LECTERN_PORT") ?? "8080")"
            let database = try await site.openDatabase(dryRun: dryRun.dryRun)
            let user = try await Lookup.account(email, in: database)
            guard !user.isDisabled else { throw fail("\(user.email) is disabled: enable it first with `lectern user enable \(user.email)`") }
            let token = try await AccountSettings.accounts(database).resetLink(for: user)
            let link = dryRun.dryRun ? nil : "\(base)/password/reset/\(token)"
            let expires = Date().addingTimeInterval(LinkValidity.passwordReset)
            if output.json {
                struct JSON: Encodable {
                    var email: String
                    var link: String?
                    var expiresAt: Date
                    var dryRun: Bool
                }
                return try sayJSON(JSON(email: user.email, link: link, expiresAt: expires, dryRun: dryRun.dryRun))
            }
            if let link {
                say(link)
                warn("One use, valid until \(DisplayDate.text(expires)) UTC. Earlier links for \(user.email) no longer work.")
                if baseURL == nil, Environment.value("LECTERN_BASE_URL") == nil {
                    warn("Note: LECTERN_BASE_URL is not set, so the link points at this machine; set it to the site's public address.")
                }
            } else {
                say("Would print a one-time reset link for \(user.email), valid for one hour.")
            }
            dryRun.sayNothingChanged()
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an account for good.",
            discussion: """
                Deletes the account, its sessions, reset links and access tokens, its enrolments and its lesson progress. \
                Certificates it earned stay valid and verifiable under the name they were issued to (revoke them \
                with `lectern certificate revoke` if they must go too). Asks for confirmation unless --yes is given.

                Examples:
                  lectern user delete old@example.com
                  lectern user delete old@example.com --yes --json
                """
        )

        @OptionGroup var site: SiteOptions
        @Argument(help: "The account's email address.") var email: String

        @Flag(name: .long, help: "Do not ask for confirmation (for scripts).")
        var yes = false

        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase(dryRun: dryRun.dryRun)
            let user = try await Lookup.account(email, in: database)
            if !yes, !dryRun.dryRun {
                guard Console.current.isInteractive else {
                    throw fail("deleting \(user.email) needs confirmation: run it at a terminal, or add --yes")
                }
                let overview = try await Administration(database: database).overview(of: user, sessions: database.sessions)
                let (enrolments, certificates) = (overview.enrolments.count, overview.certificates.count)
                warn(
                    "This deletes \(user.name) <\(user.email)> for good: the account, its sessions, \(Counted.text(enrolments, "enrolment")) and all lesson progress."
                )
                if certificates > 0 {
                    warn("\(Counted.text(certificates, "certificate")) will stay valid and verifiable under the name \"\(user.name)\".")
                }
                Console.current.writeError("Type the email address to confirm: ")
                let answer = Console.current.readLine()?.trimmingCharacters(in: .whitespaces) ?? ""
                guard EmailAddress.key(answer) == EmailAddress.key(user.email) else { throw fail("not confirmed: nothing was deleted") }
            }
            let deletion: UserDeletion
            do {
                deletion = try await Administration(database: database).delete(user)
            } catch AdministrationRefusal.lastAdministrator {
                throw fail("\(user.email) is the only active administrator: promote someone else first")
            }
            if output.json {
                struct JSON: Encodable {
                    var email: String
                    var enrolmentsDeleted: Int
                    var lessonCompletionsDeleted: Int
                    var sessionsEnded: Int
                    var certificatesKept: Int
                    var dryRun: Bool
                }
                return try sayJSON(
                    JSON(
                        email: user.email, enrolmentsDeleted: deletion.enrolments, lessonCompletionsDeleted: deletion.lessonCompletions,
                        sessionsEnded: deletion.sessions, certificatesKept: deletion.certificatesKept, dryRun: dryRun.dryRun))
            }
            say(
                "\(dryRun.dryRun ? "Would delete" : "Deleted") \(user.email): \(Counted.text(deletion.enrolments, "enrolment")), "
                    + "\(Counted.text(deletion.lessonCompletions, "lesson completion")), \(Counted.text(deletion.sessions, "session")); "
                    + "\(Counted.text(deletion.certificatesKept, "certificate")) kept.")
            dryRun.sayNothingChanged()
        }
    }
}

/// One change to one account: look it up, skip if there is nothing to do, apply through `Administration`, report.
struct AccountChange {
    var site: SiteOptions
    var email: String
    var dryRun: DryRunOption
    var output: OutputOptions

    func run(skip: (User) -> String?, action: String, done: String, change: (Administration, User) async throws -> Void) async throws {
        let database = try await site.openDatabase(dryRun: dryRun.dryRun)
        let user = try await Lookup.account(email, in: database)
        let administration = Administration(database: database)
        if let reason = skip(user) {
            if output.json { return try sayJSON(UserChangeJSON(user: UserJSON(user), changed: false, dryRun: dryRun.dryRun)) }
            return say("\(reason); nothing to do.")
        }
        do {
            try await change(administration, user)
        } catch AdministrationRefusal.lastAdministrator {
            throw fail("\(user.email) is the only active administrator: promote someone else first")
        }
        let after = dryRun.dryRun ? user : (try await administration.account(id: user.id) ?? user)
        if output.json { return try sayJSON(UserChangeJSON(user: UserJSON(after), changed: true, dryRun: dryRun.dryRun)) }
        say(dryRun.dryRun ? "Would \(action): \(user.email)." : "\(user.email) \(done).")
        dryRun.sayNothingChanged()
    }
}

struct UserJSON: Encodable {
    var id: Int64
    var email: String
    var name: String
    var role: String
    var disabled: Bool
    var emailVerified: Bool
    var createdAt: Date
    var enrolments: Int?
    var lastSeenAt: Date?

    init(_ user: User, enrolments: Int? = nil, lastSeenAt: Date? = nil) {
        id = user.id
        email = user.email
        name = user.name
        role = user.role.rawValue
        disabled = user.isDisabled
        emailVerified = user.isEmailVerified
        createdAt = user.createdAt
        self.enrolments = enrolments
        self.lastSeenAt = lastSeenAt
    }
}

struct UserChangeJSON: Encodable {
    var user: UserJSON
    var changed = true
    var dryRun: Bool
}
