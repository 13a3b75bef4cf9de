import Foundation
import LecternTestSupport
import Testing

/// `lectern user create` and `lectern mail`, run as the operator would.
@Suite final class AccountCommandTests {
    let site: TestSite

    init() throws { site = try TestSite() }
    deinit { site.delete() }

    /// Runs the binary with `input` on standard input; returns the exit status, standard output and standard error.
    func lectern(_ arguments: [String], input: String? = nil) throws -> (Int32, String, String) {
        try ServeCommandTests.runBinary(arguments + ["--db", site.databasePath], input: input)
    }

    @Test func createsAnAdminWithAPasswordFromStandardInput() throws {
        let (status, output, _) = try lectern(
            ["user", "create", "Ops@Example.com", "--name", "Site Operator", "--admin", "--password-stdin"], input: "correct horse battery\n")
        #expect(status == 0)
        #expect(output == "Created admin Ops@example.com (id 1).\n")

        let (again, _, error) = try lectern(
            ["user", "create", "ops@example.com", "--name", "Twin", "--password-stdin"], input: "another long password\n")
        #expect(again == 1)
        #expect(error == "lectern: an account with the address ops@example.com already exists\n")
    }

    @Test func refusesWeakPasswordsAndBadAddressesWithOneLine() throws {
        let (weak, _, weakError) = try lectern(["user", "create", "a@example.com", "--name", "A", "--password-stdin"], input: "1qaz2wsx3edc\n")
        #expect(weak == 1)
        #expect(weakError.hasPrefix("lectern: password refused: This password is on a list of commonly used passwords."))
        let (bad, _, badError) = try lectern(
            ["user", "create", "not-an-address", "--name", "A", "--password-stdin"], input: "correct horse battery\n")
        #expect(bad == 1)
        #expect(badError == "lectern: 'not-an-address' is not an email address\n")
        let (noTerminal, _, terminalError) = try lectern(["user", "create", "a@example.com", "--name", "A"])
        #expect(noTerminal == 1)
        #expect(terminalError.contains("--password-stdin"))
    }

    @Test func theOutboxCanBeReadAndAnUnknownMessageIsAnError() throws {
        let (missingDatabase, _, missingError) = try lectern(["mail", "list"])
        #expect(missingDatabase == 1)
        #expect(missingError.contains("does not exist"))
        #expect(try lectern(["db", "migrate"]).0 == 0)
        let (empty, output, _) = try lectern(["mail", "list"])
        #expect(empty == 0)
        #expect(output == "The outbox is empty.\n")
        let (missing, _, error) = try lectern(["mail", "show", "42"])
        #expect(missing == 1)
        #expect(error.contains("there is no message 42"))
    }
}
