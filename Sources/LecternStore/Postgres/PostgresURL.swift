import Foundation

/// Where a PostgreSQL database is: `postgres://user:password@host:port/database?sslmode=require&pool=20`
/// (`postgresql://` too). The password never appears in `redacted`, which is what messages and logs show.
public struct PostgresURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// `sslmode=require` (or `verify-full`): refuse a server without TLS. Without it, loopback and private networks
    /// are spoken to in the clear, as `psql` does with `sslmode=disable`.
    public var requiresTLS: Bool
    /// Connections this process may open (`pool=`); 20 by default.
    public var maximumConnections: Int

    /// Whether `text` names a PostgreSQL database rather than a SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `text`; the error says what to fix.
    public init(_ text: String) throws(PostgresURLError) {
        guard Self.isPostgres(text), let components = URLComponents(string: text) else {
            throw PostgresURLError("is not a postgres:// URL (expected postgres://user:password@host:5432/database)")
        }
        guard let host = components.host, !host.isEmpty else { throw PostgresURLError("has no host (postgres://user@HOST:5432/database)") }
        guard let user = components.user, !user.isEmpty else { throw PostgresURLError("has no user name (postgres://USER@host:5432/database)") }
        let name = String(components.path.drop(while: { $0 == "/" }))
        guard !name.isEmpty, !name.contains("/") else { throw PostgresURLError("has no database name (postgres://user@host:5432/DATABASE)") }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = name.removingPercentEncoding ?? name
        requiresTLS = false
        maximumConnections = 20
        for item in components.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("sslmode", "disable"), ("sslmode", "allow"), ("sslmode", "prefer"): requiresTLS = false
            case ("sslmode", "require"), ("sslmode", "verify-ca"), ("sslmode", "verify-full"): requiresTLS = true
            case ("sslmode", let mode): throw PostgresURLError("has an unknown sslmode '\(mode)' (disable, prefer or require)")
            case ("pool", let value):
                guard let count = Int(value), (1...500).contains(count) else {
                    throw PostgresURLError("has pool=\(value); give a number of connections from 1 to 500")
                }
                maximumConnections = count
            case (let other, _): throw PostgresURLError("has an unknown parameter '\(other)' (sslmode and pool are known)")
            }
        }
    }

    /// The URL without its password, for messages and logs.
    public var redacted: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
    }
}

/// A database URL that cannot be used; the message says what to fix.
public struct PostgresURLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { "the database URL \(reason)" }
}
