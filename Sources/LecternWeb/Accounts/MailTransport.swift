import Foundation

#if canImport(Glibc)
    import Glibc
#endif
import LecternCore
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

    /// A command that exits before reading its input must give a write error, not a SIGPIPE that ends the server.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    func send(to recipient: String, subject: String, body: String) async throws {
        Self.ignoreBrokenPipes
        let command = self.command
        let message =
            "From: \(from)\nTo: \(Self.headerSafe(recipient))\nSubject: \(Self.headerSafe(subject))\nContent-Type: text/plain; charset=utf-8\n\n\(body)\n"
        try await NIOThreadPool.singleton.runIfActive {
            // ChildProcess, not Foundation's Process: see why in ChildProcess.
            let child = try ChildProcess(command[0], Array(command.dropFirst()), pipeInput: true)
            let written = Result { try child.standardInput?.write(contentsOf: Data(message.utf8)) }
            try? child.standardInput?.close()
            let status = child.wait()
            guard status == 0 else {
                throw Failure(description: "\(command[0]) exited with status \(status)")
            }
            try written.get()
        }
    }

    /// No line breaks in headers: a name or address must not add headers of its own.
    static func headerSafe(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
