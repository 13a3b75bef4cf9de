import Foundation
import LecternTestSupport
import Testing

@testable import LecternWeb

@Suite struct MailTransportTests {
    @Test func sendmailReceivesTheWholeMessageOnStandardInput() async throws {
        let site = try TestSite()
        defer { site.delete() }
        let file = site.folder.appendingPathComponent("mail.txt").path
        let transport = SendmailTransport(command: ["/bin/sh", "-c", "cat > '\(file)'"], from: "Lectern Academy <no-reply@academy.example>")
        try await transport.send(to: "ada@example.com", subject: "Hello\nBcc: evil@example.com", body: "Line one\nLine two")
        let message = try String(contentsOfFile: file, encoding: .utf8)
        #expect(message.hasPrefix("From: Lectern Academy <no-reply@academy.example>\nTo: ada@example.com\nSubject: Hello Bcc: evil@example.com\n"))
        #expect(message.contains("\n\nLine one\nLine two\n"))
    }

    @Test func aFailingCommandIsAnError() async throws {
        let transport = SendmailTransport(command: ["/bin/false"], from: "x@example.com")
        await #expect(throws: SendmailTransport.Failure.self) { try await transport.send(to: "a@example.com", subject: "s", body: "b") }
    }
}
