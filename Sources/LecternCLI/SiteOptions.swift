import ArgumentParser
import Foundation
import LecternCore
import LecternStore

/// Where the site's files are: shared by every command. Flags win over environment variables, which win over defaults.
struct SiteOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite database file (env LECTERN_DB).", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Folder with posts/ and courses/ (env LECTERN_CONTENT).", valueName: "path"))
    var content: String?

    var databasePath: String { db ?? Environment.value("LECTERN_DB") ?? "db/lectern.sqlite" }
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
    func openDatabase(create: Bool = false, migrate: Bool = true, dryRun: Bool = false) throws -> LecternDatabase {
        if !create, !FileManager.default.fileExists(atPath: databasePath) {
            throw fail("database '\(databasePath)' does not exist: check --db (or LECTERN_DB), or create it with `lectern content sync`")
        }
        do {
            return try LecternDatabase.open(path: databasePath, migrate: migrate, dryRun: dryRun)
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
