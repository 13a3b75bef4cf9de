import Foundation
import LecternStore
import Logging
import NIOPosix

/// Delivers the few emails Lectern sends (password resets, registration notices).
protocol MailTransport: Sendable {
    func send(to recipient: String, subject: String, body: String) async throws
}

/// The default: messages land in the outbox table, which the operator reads with the CLI.
struct OutboxMailTransport: MailTransport {
    let outbox: OutboxStore

    func send(to recipient: String, subject: String, body: String) async throws {
        try await outbox.add(recipient: recipient, subject: subject, body: body)
    }
}

/// A sendmail-compatible command (`LECTERN_SENDMAIL`, e.g. `/usr/sbin/sendmail -t -i`) reading the message on standard input.
struct SendmailTransport: MailTransport {
    let command: [String]
    let from: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func send(to recipient: String, subject: String, body: String) async throws {
        let command = self.command
        let message =
            "From: \(from)\nTo: \(Self.headerSafe(recipient))\nSubject: \(Self.headerSafe(subject))\nContent-Type: text/plain; charset=utf-8\n\n\(body)\n"
        try await NIOThreadPool.singleton.runIfActive {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
            let input = Pipe()
            process.standardInput = input
            try process.run()
            input.fileHandleForWriting.write(Data(message.utf8))
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw Failure(description: "\(command[0]) exited with status \(process.terminationStatus)")
            }
        }
    }

    /// No line breaks in headers: a name or address must not add headers of its own.
    static func headerSafe(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
