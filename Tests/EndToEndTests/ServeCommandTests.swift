import Foundation
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

    /// `.build/debug/lectern` beside the sources, or `LECTERN_BINARY`.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["LECTERN_BINARY"] { return URL(fileURLWithPath: path) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/lectern")
    }

    /// Runs the binary to the end with `input` on standard input; returns the exit status, standard output and standard error.
    static func runBinary(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, out, err)
    }

    struct Run {
        let process: Process
        let output: Pipe
        let errors: Pipe
    }

    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        return Run(process: process, output: output, errors: errors)
    }

    /// Reads the log (standard error) line by line until `predicate` matches one, or the process ends;
    /// a process still silent after 60 s is stopped so the test fails instead of hanging.
    func waitForLine(_ run: Run, matching predicate: (String) -> Bool) -> String? {
        let process = run.process
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if process.isRunning { process.terminate() } }
        var buffer = ""
        let handle = run.errors.fileHandleForReading
        while true {
            let data = handle.availableData
            if data.isEmpty { return nil }
            buffer += String(decoding: data, as: UTF8.self)
            for line in buffer.split(separator: "\n") where predicate(String(line)) { return String(line) }
        }
    }

    func fetch(_ url: String, userAgent: String = "Mozilla/5.0 (end-to-end test)") async throws -> (Int, String) {
        // Foundation's URLSession is not in every Linux toolchain image; curl is.
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "-A", userAgent, "-w", "\n%{http_code}", url]
        let pipe = Pipe()
        curl.standardOutput = pipe
        try curl.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        curl.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
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

        kill(run.process.processIdentifier, SIGTERM)
        run.process.waitUntilExit()
        #expect(run.process.terminationStatus == 0)

        // The counts were written at shutdown: a new server shows them.
        let again = try start(["serve", "--port", "0", "--db", site.databasePath, "--content", site.content.path, "--public", TestSite.publicFolder])
        let readyAgain = try #require(waitForLine(again) { $0.contains("is ready on http://") })
        let addressAgain = try #require(readyAgain.split(separator: " ").last.map(String.init))
        let page = try await fetch("\(addressAgain)/blog/hello")
        #expect(page.1.contains("4 views"))
        kill(again.process.processIdentifier, SIGINT)
        again.process.waitUntilExit()
        #expect(again.process.terminationStatus == 0)
    }

    @Test func aDatabaseThatIsNotLecternsStopsTheStartWithOneLine() throws {
        try Data("definitely not sqlite".utf8).write(to: URL(fileURLWithPath: site.databasePath))
        let run = try start(["serve", "--port", "0", "--db", site.databasePath, "--content", site.content.path, "--public", TestSite.publicFolder])
        run.process.waitUntilExit()
        let errors = String(decoding: run.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(run.process.terminationStatus == 1)
        #expect(errors.split(separator: "\n").count == 1)
        #expect(errors.contains("is not a SQLite database"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: site.databasePath)) == Data("definitely not sqlite".utf8))
    }

    @Test func aBadLoginLimitInTheEnvironmentStopsTheStartWithOneLine() throws {
        let run = try start(
            ["serve", "--port", "0", "--db", site.databasePath, "--content", site.content.path, "--public", TestSite.publicFolder],
            environment: ["LECTERN_LOGIN_FAILURES_PER_ADDRESS": "lots"])
        run.process.waitUntilExit()
        let errors = String(decoding: run.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(run.process.terminationStatus == 1)
        #expect(errors == "lectern: LECTERN_LOGIN_FAILURES_PER_ADDRESS must be a whole number from 1 to 1000000, not 'lots'\n")
        #expect(!FileManager.default.fileExists(atPath: site.databasePath))
    }

    @Test func contentSyncReportsItsCountsAndRefusedFiles() throws {
        let first = try start(["content", "sync", "--db", site.databasePath, "--content", site.content.path])
        first.process.waitUntilExit()
        #expect(first.process.terminationStatus == 0)
        let report = String(decoding: first.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(report.hasPrefix("posts: 1 created, 0 updated, 0 unchanged, 0 unpublished; courses: 1 created"))

        try site.writeFile("posts/bad.md", "---\ntitle: Bad\nauthor: A\ndate: 2026-02-30\n---\n")
        let second = try start(["content", "sync"], environment: ["LECTERN_DB": site.databasePath, "LECTERN_CONTENT": site.content.path])
        second.process.waitUntilExit()
        #expect(second.process.terminationStatus == 1)
        let errors = String(decoding: second.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(errors.contains("posts/bad.md: 'date' is not a valid date"))
        let secondReport = String(decoding: second.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(secondReport.contains("1 unchanged"))
        #expect(secondReport.contains("1 file refused"))
    }
}
