import ArgumentParser
import Foundation
import LecternCore
import LecternStore

/// `lectern content …`: import the Markdown content folder.
struct ContentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "content",
        abstract: "Import the content folder into the database.",
        subcommands: [Sync.self]
    )

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import posts and courses from Content/ (changed files only).",
            discussion: """
                Files whose text did not change since the last import are skipped. A post whose file was deleted is \
                unpublished (its view count is kept). A file with a problem is reported and skipped; the rest still \
                import. Exits with status 1 when any file was refused.

                Example:
                  lectern content sync --content Content --db db/lectern.sqlite
                """
        )

        @OptionGroup var site: SiteOptions

        func run() async throws {
            let report: SyncReport
            do {
                let database = try LecternDatabase.open(path: site.databasePath)
                report = try ContentStore(database: database).sync(from: ContentLoader(root: URL(fileURLWithPath: site.contentPath)))
            } catch let error as DatabaseOpenError {
                throw fail(error.description)
            } catch let error as ContentFolderError {
                throw fail(error.description)
            }
            for problem in report.problems {
                FileHandle.standardError.write(Data("\(problem)\n".utf8))
            }
            print(report.line)
            if !report.errors.isEmpty { throw ExitCode.failure }
        }
    }
}
