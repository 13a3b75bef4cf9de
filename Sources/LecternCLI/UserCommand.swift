import ArgumentParser
import Foundation
import LecternCore
import LecternServices
import LecternStore

#if canImport(Glibc)
    import Glibc
#endif

/// `lectern user …`: accounts, from the operator's shell.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "List, inspect, create, promote, disable and delete accounts.",
        subcommands: [
            List.self, Show.self, Create.self, Verify.self, Promote.self, Demote.self, Disable.self, Enable.self, ResetLink.self, Delete.self,
        ]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account; --admin makes it an administrator.",
            discussion: """
                The password is asked twice without echo, or read from standard input with --password-stdin. \\
                It must follow the same rules as on the website: 12 to 128 characters, not a common password.

                Examples:
                  lectern user create ada@example.com --name "Ada Lovelace" --admin
                  printf '%s\\n' "$PASSWORD" | lectern user create ops@example.com --name Operator --password-stdin
                """
        )

        @OptionGroup var site: SiteOptions

        @Argument(help: "The email address the person logs in with.")
        var email: String

        @Option(name: .long, help: "The name shown on the site and on certificates.")
        var name: String

        @Flag(name: .long, help: "Make the account an administrator.")
        var admin = false

        @Flag(name: .long, help: "Read the password from standard input instead of asking for it.")
        var passwordStdin = false

        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            // The address and the name are checked before the password is asked for, and again by the service.
            var problems = AccountProblems()
            guard AccountRules.email(email, &problems) != nil else { throw fail("'\(email)' is not an email address") }
            guard AccountRules.name(name, &problems) != nil else { throw fail("--name refused: \(problems[.name] ?? "")") }
            let database = try await site.openDatabase(create: !dryRun.dryRun, dryRun: dryRun.dryRun)
            let accounts = try AccountSettings.accounts(database)
            if let address = try? EmailAddress(email), try await accounts.account(email: address) != nil {
                throw fail("an account with the address \(address.value) already exists")
            }
            let password = try readPassword()
            let user: User
            do {
                switch try await accounts.createAccount(name: name, email: email, password: password, role: admin ? .admin : .learner)
                {
                case .created(let created): user = created
                case .taken(let address): throw fail("an account with the address \(address.value) already exists")
                }
            } catch let problems as AccountProblems {
                throw fail("password refused: \(problems[.password] ?? problems.messages.values.joined(separator: " "))")
            }
            if output.json { return try sayJSON(UserChangeJSON(user: UserJSON(user), dryRun: dryRun.dryRun)) }
            say("\(dryRun.dryRun ? "Would create" : "Created") \(user.role.rawValue) \(user.email)\(dryRun.dryRun ? "" : " (id \(user.id))").")
            dryRun.sayNothingChanged()
        }

        private func readPassword() throws -> String {
            if passwordStdin {
                var text = Console.current.readLine() ?? ""
                while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
                return text
            }
            guard Console.current.isInteractive else {
                throw fail("no terminal to ask for the password: pipe it in with --password-stdin")
            }
            let first = Self.prompt("Password for \(email): ")
            let second = Self.prompt("Repeat the password: ")
            guard first == second else { throw fail("the two passwords are not the same") }
            return first
        }

        /// Reads a line from the terminal with echo off.
        private static func prompt(_ message: String) -> String {
            FileHandle.standardError.write(Data(message.utf8))
            var original = termios()
            tcgetattr(STDIN_FILENO, &original)
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
            defer {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
                FileHandle.standardError.write(Data("\n".utf8))
            }
            return readLine(strippingNewline: true) ?? ""
        }
    }
}
