import ArgumentParser

/// The `lectern` command: serves the site and administers it.
@main
struct Lectern: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lectern",
        abstract: "Lectern: a school's blog, courses and learner accounts in one binary.",
        discussion: """
            Run `lectern serve` to serve the site, `lectern content sync` to import Content/ into the database. \
            Every command reads the same --db and --content flags and LECTERN_* environment variables.
            """,
        subcommands: [Serve.self, ContentCommand.self, UserCommand.self, MailCommand.self, CertificateCommand.self]
    )
}
