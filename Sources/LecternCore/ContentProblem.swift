/// A reason a content file could not be imported (or imported with a warning), with the file it concerns.
public struct ContentProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    /// Path relative to the content folder, e.g. `posts/hello.md`.
    public var path: String
    /// The line of the file the problem is on, when it is known (a quiz's rules are checked line by line).
    public var line: Int?
    public var reason: String
    public var severity: Severity

    public init(path: String, line: Int? = nil, reason: String, severity: Severity = .error) {
        self.path = path
        self.line = line
        self.reason = reason
        self.severity = severity
    }

    /// `path:line: reason`, as compilers and editors print it, so an editor can jump to the line.
    public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(severity == .warning ? "warning: " : "")\(reason)" }
}
