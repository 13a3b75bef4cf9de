import Foundation
import LecternCore
import LecternTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The operator's commands against the database a running server is using: the server sees each change at once,
/// and a burst of requests during the writes is answered without a single error.
extension ServeCommandTests {
    /// Runs the built binary against this site and waits for it.
    func cli(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String, errors: String) {
        try Self.runBinary(arguments + ["--db", site.databasePath], input: input)
    }

    /// curl with a cookie jar, as one browser; returns the status and the body.
    func browse(_ url: String, jar: String, form: [String: String]? = nil) throws -> (status: Int, body: String) {
        var arguments = ["-s", "-b", jar, "-c", jar, "-w", "\n%{http_code}", url]
        for (name, value) in form ?? [:] { arguments += ["--data-urlencode", "\(name)=\(value)"] }
        let text = try ChildProcess.run("/usr/bin/curl", arguments).output
        let status = Int(text.split(separator: "\n").last ?? "") ?? 0
        return (status, String(text.dropLast(String(status).count + 1)))
    }

    static func csrf(in page: String) -> String? {
        guard let range = page.range(of: "name=\"_csrf\" value=\"") else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test func whatTheCLIChangesTheRunningServerSeesAtOnce() async throws {
        let server = try start(["serve", "--port", "0", "--db", site.databasePath, "--content", site.content.path, "--public", TestSite.publicFolder])
        defer {
            server.signal(SIGTERM)
            server.wait()
        }
        let ready = try #require(waitForLine(server) { $0.contains("is ready on http://") })
        let address = try #require(ready.split(separator: " ").last.map(String.init))
        let jar = site.folder.appendingPathComponent("cookies.txt").path

        // Created by the CLI, then logged in on the website.
        let created = try cli(
            ["user", "create", "ada@example.com", "--name", "Ada Lovelace", "--password-stdin"], input: "correct horse battery staple\n")
        #expect(created.status == 0, "\(created.errors)")
        let loginPage = try browse("\(address)/login", jar: jar)
        let token = try #require(Self.csrf(in: loginPage.body))
        let login = try browse(
            "\(address)/login", jar: jar,
            form: ["_csrf": token, "email": "ada@example.com", "password": "correct horse battery staple", "next": "/dashboard"])
        #expect(login.status == 303)
        #expect(try browse("\(address)/dashboard", jar: jar).body.contains("Ada Lovelace"))

        // Enrolled by the CLI: the dashboard lists the course on the next request.
        #expect(try browse("\(address)/dashboard", jar: jar).body.contains("Flask Certificate") == false)
        #expect(try cli(["enrolment", "add", "ada@example.com", "flask-certificate"]).status == 0)
        #expect(try browse("\(address)/dashboard", jar: jar).body.contains("Flask Certificate"))

        // Closed by the CLI: the course page says so, even to visitors who were being served a cached copy of it.
        let anonymous = site.folder.appendingPathComponent("anonymous.txt").path
        #expect(try browse("\(address)/courses/flask-certificate", jar: anonymous).body.contains("Enrolment closed") == false)
        #expect(try cli(["course", "close", "flask-certificate"]).status == 0)
        #expect(try Self.eventually(within: 1) { try browse("\(address)/courses/flask-certificate", jar: anonymous).body.contains("Enrolment closed") })

        // A post imported by the CLI is on the (cached) blog list within a second.
        #expect(try browse("\(address)/blog", jar: anonymous).body.contains("Fresh from the CLI") == false)
        try site.writePost("fresh", title: "Fresh from the CLI")
        #expect(try cli(["content", "sync", "--content", site.content.path]).status == 0)
        #expect(try Self.eventually(within: 1) { try browse("\(address)/blog", jar: anonymous).body.contains("Fresh from the CLI") })

        // 400 page requests from 8 connections while the CLI writes: every one is answered 200.
        let load = try ChildProcess(
            "/usr/bin/curl",
            ["-s", "--parallel", "--parallel-max", "8", "-w", "%{http_code}\n"]
                + (0..<400).flatMap { index in ["-o", "/dev/null", "\(address)/" + ["blog/hello", "courses/flask-certificate", "", "blog"][index % 4]] },
            pipeOutput: true)
        var writes: [Int32] = []
        for round in 0..<5 {
            writes.append(try cli(["course", "set-capacity", "flask-certificate", "\(10 + round)"]).status)
            writes.append(
                try cli(
                    ["user", "create", "learner\(round)@example.com", "--name", "Learner \(round)", "--password-stdin"],
                    input: "correct horse battery staple\n"
                ).status)
            writes.append(try cli(["content", "sync", "--content", site.content.path]).status)
            let copy = site.folder.appendingPathComponent("backup-\(round).sqlite").path
            writes.append(try cli(["db", "backup", copy]).status)
            // The copy is whole and consistent even though the server was writing sessions and views meanwhile.
            writes.append(try ChildProcess.run(Self.binary.path, ["db", "check", "--db", copy]).status)
        }
        let answered = String(decoding: load.standardOutput?.readDataToEndOfFile() ?? Data(), as: UTF8.self).split(separator: "\n")
        load.wait()
        #expect(writes.allSatisfy { $0 == 0 }, "CLI exits: \(writes)")
        #expect(answered.count == 400)
        #expect(answered.allSatisfy { $0 == "200" }, "statuses: \(Set(answered))")

        // Disabled by the CLI: the very next request is no longer logged in.
        #expect(try cli(["user", "disable", "ada@example.com"]).status == 0)
        let after = try browse("\(address)/dashboard", jar: jar)
        #expect(after.status == 303)
        #expect(try cli(["user", "list", "--search", "learner", "--json"]).output.components(separatedBy: "\"email\"").count == 6)

        // A backup can be made while serving, but not restored under the server: nothing is replaced.
        let archive = site.folder.appendingPathComponent("site.tar.gz").path
        #expect(try cli(["db", "backup", archive, "--with-content", "--content", site.content.path, "--public", TestSite.publicFolder]).status == 0)
        let restore = try cli(["db", "restore", archive, "--content", site.content.path, "--public", TestSite.publicFolder])
        #expect(restore.status == 1)
        #expect(restore.errors.contains("a server is using"), "\(restore.errors)")
        #expect(try browse("\(address)/", jar: anonymous).status == 200)
    }

    /// Whether `condition` comes true within `seconds`, asking again as soon as each answer arrives (no sleeping: the
    /// server's watcher sees another process's write within 250 ms, and each request is the wait).
    static func eventually(within seconds: Double = 5, _ condition: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if try condition() { return true }
        } while Date() < deadline
        return false
    }
}
