import ArgumentParser
import Foundation
import LecternStore

/// `lectern mail …`: the outbox, where messages wait when no LECTERN_SENDMAIL is set.
struct MailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "Read the outbox (password resets and notices waiting for delivery).",
        subcommands: [List.self, Show.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the newest messages.", discussion: "Example:\n  lectern mail list --limit 20")

        @OptionGroup var site: SiteOptions

        @Option(name: .long, help: "How many messages to list, newest first.")
        var limit = 50

        @Flag(name: .long, help: "Print JSON for scripts.")
        var json = false

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 10000") }
        }

        func run() async throws {
            let database = try await site.openDatabase()
            let messages = try await database.outbox.messages(limit: limit)
            if json { return try sayJSON(messages.map { MailJSON($0) }) }
            guard !messages.isEmpty else { return say("The outbox is empty.") }
            var table = Table("ID", "CREATED (UTC)", "TO", "SUBJECT", numeric: [0])
            for message in messages { table.add("\(message.id)", DisplayDate.text(message.createdAt), message.recipient, message.subject) }
            table.say()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one message.", discussion: "Example:\n  lectern mail show 12")

        @OptionGroup var site: SiteOptions

        @Argument(help: "The message's ID, from `lectern mail list`.")
        var id: Int64

        @Flag(name: .long, help: "Print JSON for scripts.")
        var json = false

        func run() async throws {
            let database = try await site.openDatabase()
            guard let message = try await database.outbox.message(id: id) else {
                throw fail("there is no message \(id) in the outbox (see lectern mail list)")
            }
            if json { return try sayJSON(MailJSON(message, body: true)) }
            say(
                "To: \(message.recipient)\nSubject: \(message.subject)\nDate: \(ISO8601DateFormatter().string(from: message.createdAt))\n\n\(message.body)"
            )
        }
    }
}

struct MailJSON: Encodable {
    var id: Int64
    var to: String
    var subject: String
    var createdAt: Date
    var body: String?

    init(_ message: OutboxMessage, body: Bool = false) {
        id = message.id
        to = message.recipient
        subject = message.subject
        createdAt = message.createdAt
        self.body = body ? message.body : nil
    }
}
