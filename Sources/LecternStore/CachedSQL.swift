import GRDB

/// A request whose prepared statement each connection keeps, for the queries every signed-in page runs: preparing a
/// statement (SQLite's parser and GRDB's authorizer) cost more than running it (issue 13's profile).
func cachedSQL(_ sql: String, _ arguments: StatementArguments = []) -> SQLRequest<Row> {
    SQLRequest(sql: sql, arguments: arguments, cached: true)
}
