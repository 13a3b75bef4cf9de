import ArgumentParser

/// The `lectern` command: serves the site and administers it.
public struct Lectern: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lectern",
        abstract: "Lectern: a school's blog, courses and learner accounts in one binary.",
        discussion: """
            Every command reads the same --db and --content flags and LECTERN_* environment variables, and is safe \
            to run while `lectern serve` is serving the same database. Commands that print accept --json; commands \
            that change something accept --dry-run.

            Examples:
              lectern serve --port 8080
              lectern content sync
              lectern user list --search ada
              lectern enrolment add ada@example.com flask-framework-certificate
              lectern db backup backups/lectern-$(date +%F).sqlite
            """,
        subcommands: [
            Serve.self, DatabaseCommand.self, ContentCommand.self, PostCommand.self, CourseCommand.self, UserCommand.self,
            EnrolmentCommand.self, CodeCommand.self, CertificateCommand.self, MailCommand.self, ReviewCommand.self, TokenCommand.self,
        ]
    )

    public init() {}

    /// Parses and runs one command line in this process, writing to `Console.current`; returns the exit status.
    /// The binary uses `main()`; tests use this, so both run the very same commands.
    public static func execute(_ arguments: [String]) async -> Int32 {
        let json = (arguments.firstIndex(of: "--").map { Array(arguments[..<$0]) } ?? arguments).contains("--json")
        return await Console.$jsonErrors.withValue(json) { await run(arguments) }
    }

    private static func run(_ arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            let message = fullMessage(for: error)
            let status = exitCode(for: error).rawValue
            guard !message.isEmpty else { return status }
            if status == 0 {
                say(message)
            } else if Console.jsonErrors {
                // ArgumentParser's own refusal (a bad option or value): its first line, without the usage that follows.
                let first = message.split(separator: "\n").first.map(String.init) ?? message
                report(first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first)
            } else {
                warn(message)
            }
            return status
        }
    }
}
