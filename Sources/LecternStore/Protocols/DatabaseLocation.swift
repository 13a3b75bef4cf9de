import Foundation

/// Where a site's database is: a SQLite file (the default, `db/lectern.sqlite`) or a PostgreSQL database.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresURL)

    /// Reads `--database` or `LECTERN_DATABASE_URL`: `postgres://…` (or `postgresql://…`) for PostgreSQL; a path,
    /// `sqlite:PATH` or `sqlite://PATH` for a SQLite file.
    public init(_ text: String) throws(DatabaseOpenError) {
        if PostgresURL.isPostgres(text) {
            do {
                self = .postgres(try PostgresURL(text))
            } catch {
                // The password stays out of the message.
                let shown = text.replacingOccurrences(of: #"(://[^:/@]*):[^@]*@"#, with: "$1:***@", options: .regularExpression)
                throw DatabaseOpenError(path: shown, reason: error.reason)
            }
            return
        }
        var path = text
        if path.hasPrefix("sqlite://") { path.removeFirst("sqlite://".count) } else if path.hasPrefix("sqlite:") { path.removeFirst("sqlite:".count) }
        guard !path.isEmpty, !path.contains("://") else {
            throw DatabaseOpenError(path: text, reason: "is neither a file path, sqlite:PATH nor postgres://user@host:5432/database")
        }
        self = .sqlite(path: path)
    }

    /// For messages: the file path, or the URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): url.redacted
        }
    }

    /// Opens the database and applies pending migrations (once, whatever the number of instances starting together).
    public func open(migrate: Bool = true, dryRun: Bool = false) async throws(DatabaseOpenError) -> any SiteDatabase {
        switch self {
        case .sqlite(let path): try LecternDatabase.open(path: path, migrate: migrate, dryRun: dryRun)
        case .postgres(let url): try await PostgresSiteDatabase.open(url: url, migrate: migrate, dryRun: dryRun)
        }
    }
}
