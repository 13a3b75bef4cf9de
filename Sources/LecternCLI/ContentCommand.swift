import ArgumentParser
import Foundation
import LecternCore
import LecternStore

/// `lectern content …`: the Markdown content folder.
struct ContentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "content",
        abstract: "Import the content folder into the database, or check it.",
        subcommands: [Sync.self, Lint.self]
    )

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import posts and courses from Content/ (changed files only).",
            discussion: """
                Files whose text did not change since the last import are skipped. A post whose file was deleted is \
                unpublished (its view count is kept). A file with a problem is reported and skipped; the rest still \
                import. Exits with status 1 when any file was refused. Creates the database if needed.

                Examples:
                  lectern content sync --content Content --db db/lectern.sqlite
                  lectern content sync --dry-run
                """
        )

        @OptionGroup var site: SiteOptions
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase(create: !dryRun.dryRun, dryRun: dryRun.dryRun)
            let report = try await ContentSync.run(site: site, database: database)
            if output.json {
                try sayJSON(SyncJSON(report, dryRun: dryRun.dryRun))
            } else {
                say((dryRun.dryRun ? "would import: " : "") + report.line)
                dryRun.sayNothingChanged()
            }
            if !report.errors.isEmpty { throw ExitCode.failure }
        }
    }

    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check all of Content/ without writing anything.",
            discussion: """
                Reports front matter errors, duplicate slugs, links to pages that do not exist (or to drafts), \
                relative links, images without alt text, static files that are missing from --public, and lessons in \
                modules their course does not list. Needs no database. Exits with status 1 when anything is wrong \
                (warnings alone do not fail it).

                Examples:
                  lectern content lint
                  lectern content lint --content ../school-site/Content --public ../school-site/Public --json
                """
        )

        @Option(name: .long, help: ArgumentHelp("Folder with posts/ and courses/ (env LECTERN_CONTENT).", valueName: "path"))
        var content: String?

        @Option(name: .long, help: ArgumentHelp("Folder of static files, to check links to them (env LECTERN_PUBLIC).", valueName: "path"))
        var `public`: String?

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let contentPath = content ?? Environment.value("LECTERN_CONTENT") ?? "Content"
            let publicPath = self.public ?? Environment.value("LECTERN_PUBLIC") ?? "Public"
            var isDirectory: ObjCBool = false
            let hasPublic = FileManager.default.fileExists(atPath: publicPath, isDirectory: &isDirectory) && isDirectory.boolValue
            if self.public != nil, !hasPublic { throw fail("static files folder '\(publicPath)' does not exist") }
            let report: ContentLint.Report
            do {
                report = try ContentLint(root: URL(fileURLWithPath: contentPath), publicFolder: hasPublic ? URL(fileURLWithPath: publicPath) : nil)
                    .run()
            } catch {
                throw fail(error.description)
            }
            if output.json {
                struct Problem: Encodable {
                    var path: String
                    var line: Int?
                    var severity: String
                    var message: String
                }
                struct JSON: Encodable {
                    var ok: Bool
                    var posts: Int
                    var courses: Int
                    var lessons: Int
                    var problems: [Problem]
                }
                try sayJSON(
                    JSON(
                        ok: report.errors.isEmpty, posts: report.posts, courses: report.courses, lessons: report.lessons,
                        problems: report.problems.map { Problem(path: $0.path, line: $0.line, severity: $0.severity.rawValue, message: $0.reason) }))
            } else {
                for problem in report.problems { say(problem.description) }
                let errors = report.errors.count
                let warnings = report.problems.count - errors
                say(
                    "checked \(Counted.text(report.posts, "post")), \(Counted.text(report.courses, "course")), \(Counted.text(report.lessons, "lesson")): "
                        + "\(Counted.text(errors, "error")), \(Counted.text(warnings, "warning"))")
            }
            if !report.errors.isEmpty { throw ExitCode.failure }
        }
    }
}

/// The import as every command that changes content runs it: problems to standard error, one report back.
enum ContentSync {
    static func run(site: SiteOptions, database: any SiteDatabase) async throws -> SyncReport {
        let report: SyncReport
        do {
            report = try await database.content.sync(
                from: ContentLoader(root: URL(fileURLWithPath: site.contentPath), timeZone: try SiteOptions.timeZone()))
        } catch let error as ContentFolderError {
            throw fail(error.description)
        }
        for problem in report.problems { warn(problem.description) }
        return report
    }
}

/// `content sync --json`.
struct SyncJSON: Encodable {
    struct Counts: Encodable {
        var created: Int
        var updated: Int
        var unchanged: Int
        var unpublished: Int?
        var retired: Int?
    }
    var posts: Counts
    var courses: Counts
    var lessons: Counts
    var problems: [String]
    var refused: Int
    var dryRun: Bool

    init(_ report: SyncReport, dryRun: Bool) {
        posts = Counts(created: report.created, updated: report.updated, unchanged: report.unchanged, unpublished: report.unpublished)
        courses = Counts(created: report.coursesCreated, updated: report.coursesUpdated, unchanged: report.coursesUnchanged)
        lessons = Counts(
            created: report.lessonsCreated, updated: report.lessonsUpdated, unchanged: report.lessonsUnchanged, retired: report.lessonsRetired)
        problems = report.problems.map(\.description)
        refused = report.errors.count
        self.dryRun = dryRun
    }
}
