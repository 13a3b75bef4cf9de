import Foundation
import LecternWeb

extension Lectern {
    /// Chooses the log format from `LOG_FORMAT` (text or json) for the whole process; an unknown value is refused
    /// before anything runs. Called once by the executable (tests run commands in-process and keep the default).
    public static func bootstrapLogging() {
        let name = ProcessInfo.processInfo.environment["LOG_FORMAT"].map { $0.lowercased() } ?? "text"
        guard let format = LogFormat(rawValue: name.isEmpty ? "text" : name) else {
            FileHandle.standardError.write(Data("lectern: LOG_FORMAT must be text or json, not '\(name)'\n".utf8))
            Foundation.exit(2)
        }
        LogFormat.bootstrap(format)
    }
}
