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
            let database: LecternDatabase
            do { database = try LecternDatabase.open(path: site.databasePath) } catch { throw fail(error.description) }
            let messages = try await OutboxStore(database: database).messages(limit: limit)
            if json {
                let rows = messages.map {
                    ["id": "\($0.id)", "to": $0.recipient, "subject": $0.subject, "created_at": ISO8601DateFormatter().string(from: $0.createdAt)]
                }
                let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            guard !messages.isEmpty else {
                print("The outbox is empty.")
                return
            }
            let formatter = ISO8601DateFormatter()
            let toWidth = min(40, max(2, messages.map(\.recipient.count).max() ?? 2))
            print(
                "ID".padding(toLength: 6, withPad: " ", startingAt: 0) + "CREATED (UTC)".padding(toLength: 22, withPad: " ", startingAt: 0)
                    + "TO".padding(toLength: toWidth + 2, withPad: " ", startingAt: 0) + "SUBJECT")
            for message in messages {
                print(
                    "\(message.id)".padding(toLength: 6, withPad: " ", startingAt: 0)
                        + formatter.string(from: message.createdAt).padding(toLength: 22, withPad: " ", startingAt: 0)
                        + message.recipient.padding(toLength: toWidth + 2, withPad: " ", startingAt: 0) + message.subject)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one message.", discussion: "Example:\n  lectern mail show 12")

        @OptionGroup var site: SiteOptions

        @Argument(help: "The message's ID, from `lectern mail list`.")
        var id: Int64

        func run() async throws {
            let database: LecternDatabase
            do { database = try LecternDatabase.open(path: site.databasePath) } catch { throw fail(error.description) }
            guard let message = try await OutboxStore(database: database).message(id: id) else {
                throw fail("there is no message \(id) in the outbox (see lectern mail list)")
            }
            print(
                "To: \(message.recipient)\nSubject: \(message.subject)\nDate: \(ISO8601DateFormatter().string(from: message.createdAt))\n\n\(message.body)"
            )
        }
    }
}
