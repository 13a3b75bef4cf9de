import Foundation
import LecternCore
import LecternTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `lectern` binary as an operator would.
@Suite(.serialized) final class ServeCommandTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try site.writePost("hello", title: "Hello")
        try site.writeCourse("flask-certificate")
    }

    deinit { site.delete() }

    /// The built binary (`LecternBinary`).
    static var binary: URL { URL(fileURLWithPath: LecternBinary.path) }

    /// Runs the binary to the end with `input` on standard input; returns the exit status, standard output and standard error.
    static func runBinary(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String, errors: String) {
        try ChildProcess.run(binary.path, arguments, input: input)
    }

    /// A started server: its process, with standard output and error piped.
    typealias Run = ChildProcess

    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        try ChildProcess(
            Self.binary.path, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, pipeOutput: true,
            pipeErrors: true)
    }

    /// Reads the log (standard error) line by line until `predicate` matches one, or the process ends;
    /// a process still silent after 60 s is stopped so the test fails instead of hanging.
    func waitForLine(_ run: Run, matching predicate: (String) -> Bool) -> String? {
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { run.signal(SIGTERM) }
        var buffer = ""
        guard let handle = run.standardError else { return nil }
        while true {
            let data = handle.availableData
            if data.isEmpty { return nil }
            buffer += String(decoding: data, as: UTF8.self)
            for line in buffer.split(separator: "\n") where predicate(String(line)) { return String(line) }
        }
    }

    func fetch(_ url: String, userAgent: String = "Mozilla/5.0 (end-to-end test)") async throws -> (Int, String) {
        // Foundation's URLSession is not in every Linux toolchain image; curl is.
        let text = try ChildProcess.run("/usr/bin/curl", ["-s", "-A", userAgent, "-w", "\n%{http_code}", url]).output
        let status = Int(text.split(separator: "\n").last ?? "") ?? 0
        return (status, String(text.dropLast(String(status).count + 1)))
    }

    @Test func servesUntilSIGTERMAndKeepsTheViewsItCounted() async throws {
        let run = try start(
            ["serve", "--port", "0", "--db", site.databasePath, "--content", site.content.path, "--public", TestSite.publicFolder])
        let ready = try #require(waitForLine(run) { $0.contains("is ready on http://") })
        let address = try #require(ready.split(separator: " ").last.map(String.init))
        let health = try await fetch("\(address)/healthz")
        #expect(health.0 == 200 && health.1 == "ok")
        // Three readers: one visitor's reloads count once.
        for reader in 0..<3 { _ = try await fetch("\(address)/blog/hello", userAgent: "Mozilla/5.0 (reader \(reader))") }

        run.signal(SIGTERM)
        run.wait()
        #expect(run.wait() == 0)

        // The counts were written at shutdown: a new server shows them.
        let again = try start(["serve", "--port", "0", "--db", site.databasePath, "--content", site.content.path, "--public", TestSite.publicFolder])
        let readyAgain = try #require(waitForLine(again) { $0.contains("is ready on http://") })
        let addressAgain = try #require(readyAgain.split(separator: " ").last.map(String.init))
        let page = try await fetch("\(addressAgain)/blog/hello")
        #expect(page.1.contains("4 views"))
        again.signal(SIGINT)
        again.wait()
        #expect(again.wait() == 0)
    }

    @Test func aDatabaseThatIsNotLecternsStopsTheStartWithOneLine() throws {
        try Data("definitely not sqlite".utf8).write(to: URL(fileURLWithPath: site.databasePath))
        let run = try start(["serve", "--port", "0", "--db", site.databasePath, "--content", site.content.path, "--public", TestSite.publicFolder])
        run.wait()
        let errors = String(decoding: (run.standardError?.readDataToEndOfFile() ?? Data()), as: UTF8.self)
        #expect(run.wait() == 1)
        #expect(errors.split(separator: "\n").count == 1)
        #expect(errors.contains("is not a SQLite database"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: site.databasePath)) == Data("definitely not sqlite".utf8))
    }

    @Test func aBadLoginLimitInTheEnvironmentStopsTheStartWithOneLine() throws {
        let run = try start(
            ["serve", "--port", "0", "--db", site.databasePath, "--content", site.content.path, "--public", TestSite.publicFolder],
            environment: ["LECTERN_LOGIN_FAILURES_PER_ADDRESS": "lots"])
        run.wait()
        let errors = String(decoding: (run.standardError?.readDataToEndOfFile() ?? Data()), as: UTF8.self)
        #expect(run.wait() == 1)
        #expect(errors == "lectern: LECTERN_LOGIN_FAILURES_PER_ADDRESS must be a whole number from 1 to 1000000, not 'lots'\n")
        #expect(!FileManager.default.fileExists(atPath: site.databasePath))
    }

    @Test func contentSyncReportsItsCountsAndRefusedFiles() throws {
        let first = try start(["content", "sync", "--db", site.databasePath, "--content", site.content.path])
        first.wait()
        #expect(first.wait() == 0)
        let report = String(decoding: (first.standardOutput?.readDataToEndOfFile() ?? Data()), as: UTF8.self)
        #expect(report.hasPrefix("posts: 1 created, 0 updated, 0 unchanged, 0 unpublished; courses: 1 created"))

        try site.writeFile("posts/bad.md", "---\ntitle: Bad\nauthor: A\ndate: 2026-02-30\n---\n")
        let second = try start(["content", "sync"], environment: ["LECTERN_DB": site.databasePath, "LECTERN_CONTENT": site.content.path])
        second.wait()
        #expect(second.wait() == 1)
        let errors = String(decoding: (second.standardError?.readDataToEndOfFile() ?? Data()), as: UTF8.self)
        #expect(errors.contains("posts/bad.md: 'date' is not a valid date"))
        let secondReport = String(decoding: (second.standardOutput?.readDataToEndOfFile() ?? Data()), as: UTF8.self)
        #expect(secondReport.contains("1 unchanged"))
        #expect(secondReport.contains("1 file refused"))
    }
}
