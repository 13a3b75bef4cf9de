import Foundation

/// The built `lectern` the tests run as an operator would: `LECTERN_BINARY` when set, else the one built beside the
/// running test bundle (the same configuration: `.build/debug`, or `.build/release` under scripts/test).
public enum LecternBinary {
    public static var path: String {
        if let path = ProcessInfo.processInfo.environment["LECTERN_BINARY"] { return path }
        let tests = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return tests.deletingLastPathComponent().appendingPathComponent("lectern").path
    }
}
