import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where commands write their output and read answers; tests replace it with buffers (it is task-local).
public struct Console: Sendable {
    public var write: @Sendable (String) -> Void
    public var writeError: @Sendable (String) -> Void
    /// One line typed by the operator, or nil at end of input.
    public var readLine: @Sendable () -> String?
    /// Whether a person is at the keyboard (so asking a question makes sense).
    public var isInteractive: Bool

    public init(
        write: @escaping @Sendable (String) -> Void, writeError: @escaping @Sendable (String) -> Void,
        readLine: @escaping @Sendable () -> String?, isInteractive: Bool
    ) {
        self.write = write
        self.writeError = writeError
        self.readLine = readLine
        self.isInteractive = isInteractive
    }

    public static let standard = Console(
        write: { FileHandle.standardOutput.write(Data($0.utf8)) },
        writeError: { FileHandle.standardError.write(Data($0.utf8)) },
        readLine: { Swift.readLine(strippingNewline: true) },
        isInteractive: isatty(STDIN_FILENO) == 1
    )

    @TaskLocal public static var current = Console.standard
    /// The command line asked for `--json`: errors are written as one JSON object too.
    @TaskLocal static var jsonErrors = false
}

/// Prints one line to standard output.
func say(_ line: String = "") {
    Console.current.write(line + "\n")
}

/// Prints one line to standard error.
func warn(_ line: String) {
    Console.current.writeError(line + "\n")
}

/// Prints "lectern: <message>" to standard error and returns the failure exit code, to be thrown:
/// the CLI's one way of refusing bad input.
func fail(_ message: String) -> ExitCode {
    report(message)
    return ExitCode.failure
}

/// Writes an error for people ("lectern: <message>"), or with `--json` as `{"error": …, "hint": …}`: the message up
/// to its first ": ", and what follows (what to do about it), so scripts get the same exit status and a parseable reason.
func report(_ message: String) {
    guard Console.jsonErrors else { return warn("lectern: \(message)") }
    var fields = ["error": message]
    if let colon = message.range(of: ": ") {
        fields["error"] = String(message[..<colon.lowerBound])
        fields["hint"] = String(message[colon.upperBound...])
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    warn(String(decoding: (try? encoder.encode(fields)) ?? Data("{}".utf8), as: UTF8.self))
}
