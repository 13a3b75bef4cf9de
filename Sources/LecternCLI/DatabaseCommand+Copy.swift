import ArgumentParser
import Foundation
import LecternCore
import LecternStore

extension DatabaseCommand {
    /// `lectern db copy`: a whole site from one database to another, checked.
    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a whole site from one database to another (SQLite to PostgreSQL and back), checked.",
            discussion: """
                Every account, session, enrolment, post, event and setting is copied in one transaction on the target; the \
                search index is rebuilt there. Then both are read back: each table must have the same number of rows and \
                the same checksum of its content, or the command fails. A target that already holds a site is refused \
                unless --replace is given. Stop the servers of both databases first, so nothing is written meanwhile.

                Examples:
                  lectern db copy --from db/lectern.sqlite --to postgres://lectern:secret@127.0.0.1:5432/lectern --dry-run
                  lectern db copy --from db/lectern.sqlite --to postgres://lectern:secret@127.0.0.1:5432/lectern
                  lectern db copy --from postgres://lectern@127.0.0.1/lectern --to sqlite:backups/site.sqlite
                """
        )

        @Option(name: .long, help: ArgumentHelp("The database to copy: a path, sqlite:PATH or postgres://…", valueName: "url"))
        var from: String

        @Option(name: .long, help: ArgumentHelp("The database to copy into (a new SQLite file is made).", valueName: "url"))
        var to: String

        @Flag(name: .long, help: "Overwrite a target that already holds a site.")
        var replace = false

        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        struct Result: Encodable {
            var from: String
            var to: String
            var tables: [SiteCopy.Table]
            var rows: Int
            var replaced: Bool
            var dryRun: Bool
        }

        func run() async throws {
            let source = try Self.location(from, option: "--from")
            let target = try Self.location(to, option: "--to")
            if case .sqlite(let path) = source, !FileManager.default.fileExists(atPath: path) {
                throw fail("--from: database '\(path)' does not exist")
            }
            let targetIsNewFile = if case .sqlite(let path) = target { !FileManager.default.fileExists(atPath: path) } else { false }
            let sourceDatabase: any SiteDatabase
            do { sourceDatabase = try await source.open(migrate: false) } catch { throw fail("--from: \(error.description)") }
            defer { Task { [sourceDatabase] in try? await sourceDatabase.close() } }
            if dryRun.dryRun, targetIsNewFile {
                // Nothing to check on the target side without making it: say what would be copied.
                let surveyed = try await survey(sourceDatabase)
                return try report(Result(from: "\(source)", to: "\(target)", tables: surveyed.tables, rows: surveyed.rows, replaced: false, dryRun: true))
            }
            let targetDatabase: any SiteDatabase
            do { targetDatabase = try await target.open(migrate: false, dryRun: dryRun.dryRun) } catch { throw fail("--to: \(error.description)") }
            defer { Task { [targetDatabase] in try? await targetDatabase.close() } }
            if try await !targetDatabase.migrationStatus().pending.isEmpty {
                if dryRun.dryRun {
                    let surveyed = try await survey(sourceDatabase)
                    say("The target would be migrated first; the copy is checked against it only when it is.")
                    return try report(Result(from: "\(source)", to: "\(target)", tables: surveyed.tables, rows: surveyed.rows, replaced: false, dryRun: true))
                }
                do { try await targetDatabase.migrate() } catch { throw fail("--to: cannot migrate: \(error)") }
            }
            do {
                let copied = try await SiteCopy.copy(from: sourceDatabase, to: targetDatabase, replace: replace)
                try report(
                    Result(from: "\(source)", to: "\(target)", tables: copied.tables, rows: copied.rows, replaced: copied.replaced, dryRun: dryRun.dryRun))
            } catch let error as SiteCopyError {
                if targetIsNewFile, case .sqlite(let path) = target { Self.removeNewFile(path) }
                throw fail(error.description)
            }
        }

        private func survey(_ database: any SiteDatabase) async throws -> SiteCopy.Report {
            do { return try await SiteCopy.survey(database) } catch let error as SiteCopyError { throw fail(error.description) }
        }

        private static func location(_ text: String, option: String) throws -> DatabaseLocation {
            do { return try DatabaseLocation(text) } catch { throw fail("\(option): \(error.description)") }
        }

        /// A SQLite file this command made for a copy that failed: it holds nothing of value.
        private static func removeNewFile(_ path: String) {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }

        private func report(_ result: Result) throws {
            if output.json { return try sayJSON(result) }
            let width = max(5, result.tables.map(\.name.count).max() ?? 5)
            say("\("table".padding(toLength: width, withPad: " ", startingAt: 0))  \("rows".leftPadded(8))  checksum")
            for table in result.tables {
                say("\(table.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(String(table.rows).leftPadded(8))  \(table.checksum.prefix(16))")
            }
            let what = "\(Counted.text(result.rows, "row")) in \(Counted.text(result.tables.count, "table"))"
            if result.dryRun {
                say("Would copy \(what) from \(result.from) to \(result.to)\(result.replaced ? ", replacing the site there" : "").")
            } else {
                say("Copied \(what) from \(result.from) to \(result.to)\(result.replaced ? ", replacing the site there" : ""): every table's rows and checksum match.")
            }
            dryRun.sayNothingChanged()
        }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
