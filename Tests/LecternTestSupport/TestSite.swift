import Foundation
import Synchronization
import LecternStore

/// A throwaway site for one test: its own folder with `Content/posts`, `Content/courses` and a database path.
public struct TestSite: Sendable {
    public let folder: URL
    /// On a PostgreSQL run (`TestBackend.isPostgres`), the site's own database there, copied from the migrated template;
    /// nil on SQLite, where the database is `databasePath`.
    public let postgresURL: PostgresURL?
    /// The site's PostgreSQL database once opened: every test helper shares it (a pool each would hold connections).
    private let opened = OpenedDatabase()

    public init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lectern-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("Content/posts"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("Content/courses"), withIntermediateDirectories: true)
        postgresURL = TestBackend.isPostgres ? try TestPostgres.makeDatabaseNow() : nil
    }

    /// Where the site's database is, on this run's backend: what the application under test is given.
    public var databaseLocation: DatabaseLocation {
        postgresURL.map { .postgres($0) } ?? .sqlite(path: databasePath)
    }

    /// Opens the site's database (migrated), as a test that seeds or inspects it beside the application does.
    public func openDatabase() async throws -> any SiteDatabase {
        guard postgresURL != nil else { return try await databaseLocation.open() }
        return try await opened.database { try await databaseLocation.open() }
    }

    public var content: URL { folder.appendingPathComponent("Content") }
    public var databasePath: String { folder.appendingPathComponent("lectern.sqlite").path }

    /// The repository's own `Public/` folder, so pages are tested with the real stylesheet.
    public static var publicFolder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Public").path
    }

    /// Writes `Content/posts/<slug>.md`.
    public func writePost(
        _ slug: String, title: String? = nil, date: String = "2026-01-01", category: String = "Flask", tags: [String] = ["flask"],
        summary: String? = nil, draft: Bool = false, extra: String = "", body: String = "Some body text."
    ) throws {
        var lines = ["---", "title: \"\(title ?? "Post \(slug)")\"", "author: Maya Okafor", "date: \(date)", "category: \(category)"]
        lines.append("tags: [\(tags.joined(separator: ", "))]")
        if let summary { lines.append("summary: \"\(summary)\"") }
        if draft { lines.append("draft: true") }
        if !extra.isEmpty { lines.append(extra) }
        lines.append("---")
        lines.append(body)
        try writeFile("posts/\(slug).md", lines.joined(separator: "\n") + "\n")
    }

    /// Writes `Content/courses/<slug>/course.md`.
    public func writeCourse(
        _ slug: String, title: String = "Flask Certificate", featured: Bool = true, capacity: Int? = nil, opens: String? = nil, closes: String? = nil,
        enrolment: String? = nil
    ) throws {
        try FileManager.default.createDirectory(at: content.appendingPathComponent("courses/\(slug)/lessons"), withIntermediateDirectories: true)
        var extra = ""
        if let capacity { extra += "capacity: \(capacity)\n" }
        if let opens { extra += "enrolment_opens: \(opens)\n" }
        if let closes { extra += "enrolment_closes: \(closes)\n" }
        if let enrolment { extra += "enrolment: \(enrolment)\n" }
        try writeFile(
            "courses/\(slug)/course.md",
            """
            ---
            title: "\(title)"
            subtitle: "Python Web Development Essentials"
            level: Undergraduate certificate
            duration: 10 weeks
            price: "£1,450"
            \(extra)instructors: [Maya Okafor, Daniel Reyes]
            outcomes: [A deployed Flask application]
            featured: \(featured)
            benefits:
              - Build real Flask applications
              - Ship them in Docker
            modules:
              - Foundations
              - Data
            ---
            The flagship course.

            """)
    }

    /// Writes `Content/courses/<course>/lessons/<file>.md`, e.g. `writeLesson("flask-certificate", "01-first-app", module: "Foundations")`.
    public func writeLesson(_ course: String, _ file: String, title: String? = nil, module: String = "Foundations", optional: Bool = false) throws {
        try writeFile(
            "courses/\(course)/lessons/\(file).md",
            "---\ntitle: \"\(title ?? "Lesson \(file)")\"\nmodule: \(module)\n\(optional ? "optional: true\n" : "")---\nThe text of lesson \(file).\n\n```python\nprint('\(file)')\n```\n"
        )
    }

    public func writeFile(_ relativePath: String, _ text: String) throws {
        try text.write(to: content.appendingPathComponent(relativePath), atomically: true, encoding: .utf8)
    }

    public func remove(_ relativePath: String) throws {
        try FileManager.default.removeItem(at: content.appendingPathComponent(relativePath))
    }

    public func delete() {
        try? FileManager.default.removeItem(at: folder)
        if let postgresURL { TestPostgres.dropNow(postgresURL.database) }
    }
}

/// One opened database, made at first use.
final class OpenedDatabase: Sendable {
    private let made = Mutex<Task<any SiteDatabase, any Error>?>(nil)

    func database(_ open: @escaping @Sendable () async throws -> any SiteDatabase) async throws -> any SiteDatabase {
        let task = made.withLock { made in
            if let made { return made }
            let task = Task { try await open() }
            made = task
            return task
        }
        return try await task.value
    }
}
