import Foundation
import LecternCLI
import LecternCore
import LecternStore
import LecternTestSupport
import Testing

/// What one run of a command printed, and how it exited.
struct CommandRun {
    var status: Int32
    var output: String
    var errors: String

    /// Standard output parsed as JSON.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(output.utf8))
    }

    func object() throws -> [String: Any] {
        try #require(try json() as? [String: Any], "not a JSON object: \(output)")
    }

    func array() throws -> [[String: Any]] {
        try #require(try json() as? [[String: Any]], "not a JSON array: \(output)")
    }
}

/// Collects what a command writes; thread-safe because the console's closures may be called from any task.
final class CapturedConsole: @unchecked Sendable {
    private let lock = NSLock()
    private var output = ""
    private var errors = ""
    private var input: [String]
    let isInteractive: Bool

    init(input: [String], isInteractive: Bool) {
        self.input = input
        self.isInteractive = isInteractive
    }

    var console: Console {
        Console(
            write: { text in self.lock.withLock { self.output += text } },
            writeError: { text in self.lock.withLock { self.errors += text } },
            readLine: { self.lock.withLock { self.input.isEmpty ? nil : self.input.removeFirst() } },
            isInteractive: isInteractive)
    }

    var result: (String, String) { lock.withLock { (output, errors) } }
}

/// A site with one post, one course of two lessons (2 seats), imported; and the helpers the command tests share.
final class CLISite {
    let site: TestSite
    let database: LecternDatabase

    init(capacity: Int? = 2, closes: String? = nil, enrolment: String? = nil) async throws {
        site = try TestSite()
        try site.writePost("hello", title: "Hello")
        try site.writeCourse("flask-certificate", capacity: capacity, closes: closes, enrolment: enrolment)
        try site.writeLesson("flask-certificate", "01-first-app")
        try site.writeLesson("flask-certificate", "02-routing", module: "Data")
        database = try LecternDatabase.open(path: site.databasePath)
        _ = try await database.content.sync(from: ContentLoader(root: site.content))
    }

    deinit { site.delete() }

    /// Runs `lectern <arguments>` in this process against this site's database and content folder.
    func lectern(_ arguments: [String], input: [String] = [], interactive: Bool = false, site siteOptions: Bool = true) async -> CommandRun {
        let captured = CapturedConsole(input: input, isInteractive: interactive)
        let usesSite = siteOptions && !arguments.starts(with: ["post", "new"]) && !arguments.starts(with: ["content", "lint"])
        var full = arguments
        if usesSite { full += ["--db", site.databasePath, "--content", site.content.path] }
        if siteOptions, !usesSite { full += ["--content", site.content.path] }
        let status = await Console.$current.withValue(captured.console) { await Lectern.execute(full) }
        let (output, errors) = captured.result
        return CommandRun(status: status, output: output, errors: errors)
    }

    func lectern(_ arguments: String..., input: [String] = [], interactive: Bool = false) async -> CommandRun {
        await lectern(arguments, input: input, interactive: interactive)
    }

    /// Creates an account through the command, as the operator would.
    @discardableResult
    func register(_ email: String, name: String = "Learner", admin: Bool = false) async throws -> User {
        let run = await lectern(
            ["user", "create", email, "--name", name, "--password-stdin"] + (admin ? ["--admin"] : []), input: ["correct horse battery staple"])
        #expect(run.status == 0, "\(run.errors)")
        return try #require(try await database.users.user(email: EmailAddress(email)))
    }

    func enrol(_ email: String, _ course: String = "flask-certificate") async -> CommandRun {
        await lectern("enrolment", "add", email, course)
    }

    var courseID: Int64 {
        get async throws { try #require(try await database.courses.course(slug: "flask-certificate")).id }
    }

    /// Completes every lesson of the course for `user`, which issues the certificate.
    func completeCourse(_ user: User) async throws -> String? {
        let course = try #require(try await database.courses.course(slug: "flask-certificate"))
        var code: String?
        for lesson in course.lessons {
            code = try await database.enrolments.complete(
                userID: user.id, courseID: course.id, lessonID: lesson.id, learnerName: user.name)
        }
        return code
    }
}
