import Logging
import NIOCore
import PostgresNIO

extension PostgresConnection {
    /// Runs `query` and collects its rows, or fails at once when the connection has closed. postgres-nio 1.33 writes a
    /// query to its channel without a write promise: written after the channel's handlers were removed (one loop turn
    /// after a close, as when PostgreSQL restarts and a ROLLBACK or the pool's next lease follows the error), the query
    /// is dropped and its caller waits for ever, deaf to cancellation. Checked and written on the connection's own event
    /// loop, an open channel still has its handlers, which fail the query properly if the socket closes later.
    func queryIfOpen(_ query: PostgresQuery, logger: Logger) async throws -> PostgresQueryResult {
        let connection = self
        return try await eventLoop.flatSubmit { () -> EventLoopFuture<PostgresQueryResult> in
            guard !connection.isClosed else { return connection.eventLoop.makeFailedFuture(PostgresConnectionLost()) }
            return connection.query(query, logger: logger)
        }.get()
    }
}

/// The connection closed before a statement could be sent on it: the server went away (restarting, or dropped us).
struct PostgresConnectionLost: Error {}
