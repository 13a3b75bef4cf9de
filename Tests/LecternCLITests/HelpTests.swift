import ArgumentParser
import Foundation
import LecternCLI
import Testing

@Suite struct HelpTests {
    /// Every command that does something (not the groups) explains itself with at least one example.
    @Test func everyCommandHasHelpWithAnExample() async throws {
        func leaves(_ command: any ParsableCommand.Type, path: [String]) -> [(String, any ParsableCommand.Type)] {
            let configuration = command.configuration
            let name = configuration.commandName ?? String(describing: command).lowercased()
            if configuration.subcommands.isEmpty { return [((path + [name]).joined(separator: " "), command)] }
            return configuration.subcommands.flatMap { leaves($0, path: path + [name]) }
        }
        let all = leaves(Lectern.self, path: [])
        #expect(all.count == 56)
        for (name, command) in all {
            #expect(command.configuration.discussion.contains("Example"), "\(name) has no example")
            #expect(!command.configuration.abstract.isEmpty, "\(name) has no summary")
        }
        let site = try await CLISite()
        let help = await site.lectern(["user", "delete", "--help"], site: false)
        #expect(help.status == 0)
        #expect(help.output.contains("lectern user delete old@example.com --yes"))
    }

    @Test func theBashCompletionScriptKnowsTheCommands() async throws {
        let site = try await CLISite()
        let run = await site.lectern(["--generate-completion-script", "bash"], site: false)
        #expect(run.status == 0)
        #expect(run.output.hasPrefix("#!/bin/bash"))
        for word in ["enrolment", "set-capacity", "reset-link"] { #expect(run.output.contains(word)) }
    }
}
