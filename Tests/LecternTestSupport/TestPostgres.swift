import Foundation
import LecternCore
import LecternStore
import Logging
import PostgresNIO

/// Fresh PostgreSQL databases for tests, on the server `LECTERN_TEST_POSTGRES_URL` names (the test command starts
/// one with `scripts/postgres`). Each test gets its own database, copied from a template migrated once per run, and
/// drops it at the end.
public enum TestPostgres {
    /// The server's URL, or nil when the variable is not set (the PostgreSQL cases are then not run; the test
    /// command always sets it).
    public static let serverURL: PostgresURL? = ProcessInfo.processInfo.environment["LECTERN_TEST_POSTGRES_URL"].flatMap { try? PostgresURL($0) }

    private static let logger = Logger(label: "lectern.test.postgres")

    /// Runs `body` with a new, migrated database, dropped afterwards whatever happens.
    public static func withDatabase<T>(_ body: (PostgresSiteDatabase) async throws -> T) async throws -> T {
        let url = try await makeDatabase()
        let database = try await PostgresSiteDatabase.open(url: url)
        do {
            let result = try await body(database)
            try await database.close()
            try await drop(url.database)
            return result
        } catch {
            try? await database.close()
            try? await drop(url.database)
            throw error
        }
    }

    /// A new database copied from the migrated template; its URL.
    public static func makeDatabase() async throws -> PostgresURL {
        try makeDatabaseNow()
    }

    /// The same, without suspending: `TestSite`'s initialiser needs it, and a test's `init` may be synchronous. It runs
    /// `psql` (and, once per process, `lectern db migrate` for the template) as child processes, so no task of this
    /// process is waited for.
    public static func makeDatabaseNow() throws -> PostgresURL {
        guard let server = serverURL else { throw TestPostgresMissing() }
        let templateName = try template(server: server)
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try psql(server, "CREATE DATABASE \(name) TEMPLATE \(templateName)")
        var url = server
        url.database = String(name)
        // Tests run side by side (at most 8 at once on the PostgreSQL run), each with its own database and a pool for the
        // application and one for the test's own reads: 10 each keeps the server (500 connections) under its limit.
        url.maximumConnections = 10
        return url
    }

    /// Drops a test database, closing whatever still uses it.
    public static func dropNow(_ name: String) {
        guard let server = serverURL else { return }
        try? psql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    private static let templateLock = NSLock()
    nonisolated(unsafe) private static var templateMade: String?

    /// The template every test database copies: made and migrated once per process by the built `lectern` (the same
    /// sources as these tests), named after the migrations it holds so a server kept between runs never serves a stale one.
    static func template(server: PostgresURL) throws -> String {
        try templateLock.withLock {
            if let templateMade { return templateMade }
            let name = "lectern_template_\(PostgresSiteDatabase.schemaStamp)"
            let exists = try psql(server, "SELECT 1 FROM pg_database WHERE datname = '\(name)'", quiet: true) == "1"
            if !exists {
                try psql(server, "CREATE DATABASE \(name)")
                var url = server
                url.database = name
                let migrated = try ChildProcess.run(LecternBinary.path, ["db", "migrate", "--database", connectionString(url)])
                guard migrated.status == 0 else {
                    try? psql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                    throw TestPostgresFailure(description: "lectern db migrate of the test template failed: \(migrated.errors)")
                }
            }
            templateMade = name
            return name
        }
    }

    /// `url` as libpq and `--database` read it (the test server's have no password, but keep one if given).
    static func connectionString(_ url: PostgresURL) -> String {
        let password = url.password.map { ":" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) } ?? ""
        return "postgres://\(url.username)\(password)@\(url.host):\(url.port)/\(url.database)"
    }

    /// Runs one statement with `psql` on the server's maintenance database; its output, trimmed.
    @discardableResult
    static func psql(_ server: PostgresURL, _ sql: String, quiet: Bool = false) throws -> String {
        let run = try ChildProcess.run("/usr/bin/env", ["psql", connectionString(server), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard run.status == 0 else { throw TestPostgresFailure(description: "psql \(sql): \(run.errors)") }
        return run.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public static func drop(_ name: String) async throws {
        guard let server = serverURL else { return }
        try await admin(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one statement on the server's maintenance database.
    public static func admin(_ server: PostgresURL, _ sql: String) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: .init(host: server.host, port: server.port, username: server.username, password: server.password, database: server.database, tls: .disable),
            id: 1, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}

/// A PostgreSQL case was run without `LECTERN_TEST_POSTGRES_URL`.
public struct TestPostgresMissing: Error, CustomStringConvertible {
    public var description: String { "LECTERN_TEST_POSTGRES_URL is not set (scripts/test starts a server and sets it)" }
}

/// A test database could not be made.
public struct TestPostgresFailure: Error, CustomStringConvertible {
    public var description: String
}
