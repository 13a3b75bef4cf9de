import Foundation
import LecternWeb

extension Lectern {
    /// What the whole process shares, set once by the executable before anything runs (tests run commands
    /// in-process and keep the defaults): the log format from `LOG_FORMAT` (text or json; an unknown value is refused)
    /// and the metrics registry `/metrics` shows.
    public static func bootstrapProcess() {
        let name = ProcessInfo.processInfo.environment["LOG_FORMAT"].map { $0.lowercased() } ?? "text"
        guard let format = LogFormat(rawValue: name.isEmpty ? "text" : name) else {
            FileHandle.standardError.write(Data("lectern: LOG_FORMAT must be text or json, not '\(name)'\n".utf8))
            Foundation.exit(2)
        }
        LogFormat.bootstrap(format)
        SiteMetrics.bootstrap()
    }
}
