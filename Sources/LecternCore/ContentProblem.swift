/// A reason a content file could not be imported (or imported with a warning), with the file it concerns.
public struct ContentProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    /// Path relative to the content folder, e.g. `posts/hello.md`.
    public var path: String
    public var reason: String
    public var severity: Severity

    public init(path: String, reason: String, severity: Severity = .error) {
        self.path = path
        self.reason = reason
        self.severity = severity
    }

    public var description: String { "\(path): \(severity == .warning ? "warning: " : "")\(reason)" }
}
