import ArgumentParser
import Foundation

/// Where the site's files are: shared by every command. Flags win over environment variables, which win over defaults.
struct SiteOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite database file (env LECTERN_DB).", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Folder with posts/ and courses/ (env LECTERN_CONTENT).", valueName: "path"))
    var content: String?

    var databasePath: String { db ?? Environment.value("LECTERN_DB") ?? "db/lectern.sqlite" }
    var contentPath: String { content ?? Environment.value("LECTERN_CONTENT") ?? "Content" }
}

enum Environment {
    /// A non-empty environment variable.
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}

/// Prints one line to standard error and exits non-zero: the CLI's way of refusing bad input.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("lectern: \(message)\n".utf8))
    return ExitCode.failure
}
