import ArgumentParser
import Foundation
import LecternCore
import LecternStore

/// Where the site's files are: shared by every command. Flags win over environment variables, which win over defaults.
struct SiteOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite database file (env LECTERN_DB).", valueName: "path"))
    var db: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The database as a URL: postgres://user:password@host:5432/name, or sqlite:PATH (env LECTERN_DATABASE_URL).", valueName: "url"))
    var database: String?

    @Option(name: .long, help: ArgumentHelp("Folder with posts/ and courses/ (env LECTERN_CONTENT).", valueName: "path"))
    var content: String?

    /// The SQLite file when the database is one (the default, db/lectern.sqlite); for commands that work on the file.
    var databasePath: String {
        if case .sqlite(let path) = try? location { return path }
        return db ?? Environment.value("LECTERN_DB") ?? "db/lectern.sqlite"
    }

    /// Where the database is: `--database`, then `--db`, then `LECTERN_DATABASE_URL`, then `LECTERN_DB`, then the default.
    var location: DatabaseLocation {
        get throws {
            if database != nil, db != nil { throw fail("give --database or --db, not both") }
            do {
                if let database { return try DatabaseLocation(database) }
                if let db { return .sqlite(path: db) }
                if let url = Environment.value("LECTERN_DATABASE_URL") { return try DatabaseLocation(url) }
                return .sqlite(path: Environment.value("LECTERN_DB") ?? "db/lectern.sqlite")
            } catch {
                throw fail(error.description)
            }
        }
    }
    var contentPath: String { content ?? Environment.value("LECTERN_CONTENT") ?? "Content" }

    /// The site's time zone (`LECTERN_TIMEZONE`, UTC by default): post dates without an offset are read in it.
    static func timeZone() throws -> TimeZone {
        guard let name = Environment.value("LECTERN_TIMEZONE") else { return ContentDate.utc }
        guard let zone = TimeZone(identifier: name) else {
            throw fail("LECTERN_TIMEZONE must be a time zone name such as Europe/London or UTC, not '\(name)'")
        }
        return zone
    }

    /// Opens the database, turning every reason it cannot be used into one line. Only commands that set a site up
    /// (`create`) may make a new file: elsewhere a mistyped --db must not quietly create an empty database.
    func openDatabase(create: Bool = false, migrate: Bool = true, dryRun: Bool = false) async throws -> any SiteDatabase {
        let location = try self.location
        if case .sqlite(let path) = location, !create, !FileManager.default.fileExists(atPath: path) {
            throw fail("database '\(path)' does not exist: check --db (or LECTERN_DB), or create it with `lectern content sync`")
        }
        do {
            return try await location.open(migrate: migrate, dryRun: dryRun)
        } catch {
            throw fail(error.description)
        }
    }

    /// The SQLite database, for what only a file allows (`db backup`, `db restore`); a PostgreSQL database is
    /// refused with what to use instead.
    func openSQLite(migrate: Bool = true, dryRun: Bool = false, doing what: String) throws -> LecternDatabase {
        guard case .sqlite(let path) = try location else {
            throw fail("\(what) works on a SQLite file; for PostgreSQL use its own tools (pg_dump, pg_restore)")
        }
        if !FileManager.default.fileExists(atPath: path) {
            throw fail("database '\(path)' does not exist: check --db (or LECTERN_DB), or create it with `lectern content sync`")
        }
        do {
            return try LecternDatabase.open(path: path, migrate: migrate, dryRun: dryRun)
        } catch {
            throw fail(error.description)
        }
    }
}

enum Environment {
    /// A non-empty environment variable.
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}

/// Looks up what the operator named on the command line, failing with a message that says what exists instead.
enum Lookup {
    static func account(_ email: String, in database: any SiteDatabase) async throws -> User {
        let address: EmailAddress
        do {
            address = try EmailAddress(email)
        } catch {
            throw fail("'\(email)' is not an email address")
        }
        guard let user = try await database.users.user(email: address) else {
            throw fail("no account has the address \(address.value) (find it with `lectern user list --search <part of the name>`)")
        }
        return user
    }

    static func course(_ slug: String, in database: any SiteDatabase) async throws -> CourseDetail {
        let store = database.courses
        if let course = try await store.course(slug: slug) { return course }
        if let removed = try await store.exists(slug: slug), removed.isRemoved {
            throw fail("course '\(slug)' (\(removed.title)) was removed from Content/ and is no longer on offer")
        }
        let slugs = try await store.slugs()
        throw fail(
            "no course has the slug '\(slug)'" + (slugs.isEmpty ? " (there are no courses yet)" : "; courses: \(slugs.joined(separator: ", "))"))
    }
}
