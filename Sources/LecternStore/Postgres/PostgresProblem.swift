import Foundation
import PostgresNIO
import _ConnectionPoolModule

/// What PostgreSQL's errors mean for Lectern: which are the storage's (answered with 503 and retried by the user)
/// rather than the request's, and how to say in one line why a database cannot be opened.
enum PostgresProblem {
    /// SQLSTATE classes and codes that say the server, not the write, is the problem.
    private static let unavailable: Set<String> = [
        "53100",  // disk_full
        "53200",  // out_of_memory
        "53300",  // too_many_connections
        "25006",  // read_only_sql_transaction (a standby, or default_transaction_read_only)
        "57P01",  // admin_shutdown
        "57P02",  // crash_shutdown
        "57P03",  // cannot_connect_now (starting up or in recovery)
        "58030",  // io_error
    ]

    /// `error` as a `StorageUnavailableError` when the server cannot take it (down, restarting, full, read-only),
    /// any other error unchanged.
    static func storageProblem(_ error: any Error, location: String) -> any Error {
        if error is StorageUnavailableError { return error }
        // The pool gives up on a server it has not reached for a while (and fails every request at once after).
        if error is ConnectionPoolError || error is PostgresConnectionLost { return StorageUnavailableError(cause: .unreachable, path: location) }
        guard let error = error as? PSQLError else { return error }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown:
            return StorageUnavailableError(cause: .unreachable, path: location)
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            guard unavailable.contains(state) else { return error }
            let cause: StorageUnavailableError.Cause =
                switch state {
                case "53100": .diskFull
                case "25006": .readOnly
                case "58030": .inputOutput
                default: .unreachable
                }
            return StorageUnavailableError(cause: cause, path: location)
        default:
            return error
        }
    }

    /// Whether running the transaction again may succeed: PostgreSQL chose it as a deadlock's victim, or could not
    /// serialise it.
    static func isWorthRetrying(_ error: any Error) -> Bool {
        ["40P01", "40001"].contains(state(of: error) ?? "")
    }

    /// The SQLSTATE of a server error, if `error` is one.
    static func state(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// One line for the operator: why the database at `url` cannot be opened.
    static func explain(_ error: any Error, url: PostgresURL) -> String {
        guard let error = error as? PSQLError else {
            if let storage = error as? StorageUnavailableError, storage.cause == .unreachable {
                return "cannot be reached at \(url.host):\(url.port) (is PostgreSQL running and listening there?)"
            }
            return "cannot be opened: \(error)"
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown:
            let detail = error.underlying.map { ": \($0)" } ?? ""
            return "cannot be reached at \(url.host):\(url.port)\(detail) (is PostgreSQL running and listening there?)"
        case .sslUnsupported:
            return "is on a server that does not offer TLS, and the URL says sslmode=require"
        case .authMechanismRequiresPassword:
            return "refused the login of '\(url.username)' without a password: put one in the URL (postgres://user:PASSWORD@…)"
        case .server:
            let message = error.serverInfo?[.message] ?? "an error"
            switch error.serverInfo?[.sqlState] ?? "" {
            case "28P01", "28000": return "refused the login of '\(url.username)': \(message)"
            case "3D000": return "does not exist on \(url.host):\(url.port) (create it with `createdb \(url.database)`, owned by \(url.username))"
            case "42501": return "cannot be changed by '\(url.username)': \(message) (the user must own the database)"
            case "57P03": return "is not accepting connections yet (the server is starting or recovering); try again in a moment"
            default: return "cannot be opened: \(message)"
            }
        default:
            return "cannot be opened: \(error.code)"
        }
    }
}

/// The `LISTEN/NOTIFY` channel on which every write is announced: with no payload when it changes the site or appends
/// an event (page caches and live feeds look), with `privatePayload` otherwise (only recent reads are forgotten).
enum PostgresChangeChannel {
    static let name = "lectern_changes"
    static let privatePayload = "private"
}
