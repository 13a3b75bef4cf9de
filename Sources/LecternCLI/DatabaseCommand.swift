import ArgumentParser
import Foundation
import LecternCore
import LecternStore

/// `lectern db …`: the SQLite file itself.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Migrate, inspect, back up, restore and check the database.",
        subcommands: [Migrate.self, Status.self, Backup.self, Restore.self, Check.self, Copy.self]
    )

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the database, or bring it up to this version's schema.",
            discussion: """
                `serve` and `content sync` migrate by themselves; this is for doing it first, on purpose, such as \
                right after installing a new version. Migrations only add: they never drop data.

                Examples:
                  lectern db migrate --dry-run
                  lectern db migrate --db /var/lib/lectern/site.sqlite
                """
        )

        @OptionGroup var site: SiteOptions
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        struct Result: Encodable {
            var applied: [String]
            var alreadyApplied: Int
            var dryRun: Bool
        }

        func run() async throws {
            let location = try site.location
            // A PostgreSQL database is made by its operator (createdb); a SQLite file is made here.
            let exists = if case .sqlite(let path) = location { FileManager.default.fileExists(atPath: path) } else { true }
            if dryRun.dryRun, !exists {
                let all = try LecternMigrations.all()
                return try report(Result(applied: all, alreadyApplied: 0, dryRun: true), creating: true)
            }
            let database = try await site.openDatabase(create: true, migrate: false)
            let before = try await database.migrationStatus()
            if !dryRun.dryRun {
                do { try await database.migrate() } catch { throw fail(String(describing: error)) }
            }
            try report(Result(applied: before.pending, alreadyApplied: before.applied.count, dryRun: dryRun.dryRun), creating: !exists)
        }

        private func report(_ result: Result, creating: Bool) throws {
            if output.json { return try sayJSON(result) }
            let verb = result.dryRun ? "would apply" : "applied"
            if result.applied.isEmpty {
                say("\(try site.location) is up to date (\(result.alreadyApplied) migrations applied).")
            } else {
                if creating { say("\(result.dryRun ? "Would create" : "Created") \(try site.location).") }
                say("\(verb.prefix(1).uppercased() + verb.dropFirst()) \(Counted.text(result.applied.count, "migration")):")
                for name in result.applied { say("  \(name)") }
            }
            dryRun.sayNothingChanged()
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the database's size, schema version and what it holds.",
            discussion: "Example:\n  lectern db status --json"
        )

        @OptionGroup var site: SiteOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase(migrate: false)
            let status = try await database.status()
            if output.json {
                struct JSON: Encodable {
                    var path: String
                    var bytes: Int64
                    var journalMode: String
                    var engine: String
                    var appliedMigrations: [String]
                    var pendingMigrations: [String]
                    var counts: [String: Int]
                }
                return try sayJSON(
                    JSON(
                        path: status.path, bytes: status.bytes, journalMode: status.journalMode, engine: status.engine, appliedMigrations: status.appliedMigrations,
                        pendingMigrations: status.pendingMigrations, counts: status.counts))
            }
            say("Database:   \(status.path)")
            say("Size:       \(ByteCountFormatter.string(fromByteCount: status.bytes, countStyle: .file)) (\(status.engine)\(status.engine.hasPrefix("SQLite") ? ", \(status.journalMode) journal" : ""))")
            let pending = status.pendingMigrations.isEmpty ? "up to date" : "\(status.pendingMigrations.count) pending: run `lectern db migrate`"
            say("Schema:     \(status.appliedMigrations.count) migrations applied, \(pending)")
            if let last = status.appliedMigrations.last { say("Latest:     \(last)") }
            say("")
            var table = Table("RECORDS", "COUNT", numeric: [1])
            for name in ["posts", "drafts", "courses", "lessons", "users", "sessions", "enrolments", "certificates", "outbox"] {
                if let count = status.counts[name] { table.add(name, "\(count)") }
            }
            table.say()
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run SQLite's integrity and foreign-key checks and the search index's check.",
            discussion: """
                Exits with status 1 when anything is wrong. A damaged search index (and only that) can be rebuilt \
                from the posts with --repair-search.

                Examples:
                  lectern db check
                  lectern db check --repair-search
                """
        )

        @OptionGroup var site: SiteOptions

        @Flag(name: .long, help: "Rebuild the search index from the posts before checking.")
        var repairSearch = false

        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase(migrate: false, dryRun: dryRun.dryRun)
            if repairSearch { try await database.rebuildSearchIndex() }
            let problems: [String]
            do {
                problems = try await database.check()
            } catch {
                problems = ["the check could not run: \(error)"]
            }
            if output.json {
                struct JSON: Encodable {
                    var ok: Bool
                    var problems: [String]
                }
                try sayJSON(JSON(ok: problems.isEmpty, problems: problems))
            } else if problems.isEmpty {
                say("\(try site.location): integrity ok, foreign keys ok, search index ok.")
            } else {
                for problem in problems { warn(problem) }
                warn(
                    "lectern: \(try site.location) has \(Counted.text(problems.count, "problem")); restore a backup with `lectern db restore <file>`"
                )
            }
            if !problems.isEmpty { throw ExitCode.failure }
        }
    }
}
