import Foundation
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
    private static let template = TemplateDatabase()

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
        guard let server = serverURL else { throw TestPostgresMissing() }
        let templateName = try await template.name(server: server)
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await admin(server, "CREATE DATABASE \(name) TEMPLATE \(templateName)")
        var url = server
        url.database = String(name)
        // Tests run side by side, each with its own database: a small pool each keeps the server under its limit.
        url.maximumConnections = 4
        return url
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

    /// The template every test database copies: made and migrated once per process, named after the migrations it
    /// holds so a server kept between runs never serves a stale one.
    actor TemplateDatabase {
        private var made: Task<String, any Error>?

        func name(server: PostgresURL) async throws -> String {
            if let made { return try await made.value }
            let task = Task { try await Self.make(server: server) }
            made = task
            return try await task.value
        }

        private static func make(server: PostgresURL) async throws -> String {
            let name = "lectern_template_\(PostgresSiteDatabase.schemaStamp)"
            // Another process may be making it too (tests run in one process, but a developer may run two).
            do {
                try await admin(server, "CREATE DATABASE \(name)")
            } catch {
                return name  // it exists: made by an earlier run with the same migrations
            }
            var url = server
            url.database = name
            do {
                let database = try await PostgresSiteDatabase.open(url: url)
                try await database.close()
                // A copy needs the template without connections; the server may still be ending the closed ones, so wait
                // until each has ended (pg_terminate_backend's timeout waits for it).
                try await admin(
                    server,
                    "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = '\(name)' AND pid <> pg_backend_pid()")
            } catch {
                try? await admin(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                throw error
            }
            return name
        }
    }
}

/// A PostgreSQL case was run without `LECTERN_TEST_POSTGRES_URL`.
public struct TestPostgresMissing: Error, CustomStringConvertible {
    public var description: String { "LECTERN_TEST_POSTGRES_URL is not set (scripts/test starts a server and sets it)" }
}
