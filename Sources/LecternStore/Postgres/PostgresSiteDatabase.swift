import CoreMetrics
import Foundation
import LecternCore
import Logging
import PostgresNIO
import Synchronization

/// A Lectern site in PostgreSQL: a pool of connections (postgres-nio's `PostgresClient`, run by a task of its own),
/// the migrations, and the read and write paths every PostgreSQL store uses.
public final class PostgresSiteDatabase: SiteDatabase {
    public let url: PostgresURL
    public let isDryRun: Bool
    let client: PostgresClient
    let logger: Logger
    /// Hears every instance's changes (`LISTEN`), for `EventLog.observeAppends` and the page caches.
    let changes: PostgresChangeListener
    /// The reads signed-in pages make on every request, while nothing was written since (see `RecentReads`).
    let recentReads = RecentReads()
    /// New places asked for at once on this instance, taken together (see `PostgresEnrolmentStore.takeNewPlace`).
    let newPlaces = WriteBatches<PostgresSeats.NewPlaceKey, PostgresSeats.NewPlace, Bool>(maximum: 200)
    /// Where the stores' statements are counted, when a test watches this database (`StatementLog`).
    private let statementLog: String?
    private let running: Task<Void, Never>
    private let connectionsInUse = PoolGauge(PoolMeters.inUse)
    private let requestsWaiting = PoolGauge(PoolMeters.waiting)

    public var location: String { url.redacted }
    /// Changes whenever a migration is added or its SQL changes (tests key their migrated template database on it).
    public static var schemaStamp: String { PostgresMigrations.stamp }

    private init(url: PostgresURL, isDryRun: Bool, logger: Logger) throws {
        self.url = url
        let tls: PostgresConnection.Configuration.TLS = url.requiresTLS ? .require(try .init(configuration: .makeClientConfiguration())) : .disable
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: url.requiresTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = url.maximumConnections
        // No keep-alive pings: postgres-nio 1.33 can send one on a connection its idle timeout has just closed, and
        // that query never completes, so the pool's run (and our close) never ends. A connection that died while idle
        // fails its next query instead (a 503, and the pool makes a new one), and idle ones are closed after 60 s anyway.
        configuration.options.keepAliveBehavior = nil
        PoolMeters.size.increment(by: Double(url.maximumConnections))
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        var direct = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database, tls: tls)
        direct.options.connectTimeout = .seconds(5)
        let recentReads = recentReads
        changes = PostgresChangeListener(
            configuration: direct, logger: logger, heard: { recentReads.forgetAll() }, listening: { recentReads.setListening($0) })
        self.isDryRun = isDryRun
        self.logger = logger
        statementLog = StatementLog.shared.isWatching(url.redacted) ? url.redacted : nil
        running = Task { await client.run() }
    }

    /// Connects to the database at `url` and applies pending migrations (once, whatever the number of instances
    /// starting together). Refuses a database written by a newer Lectern, and says in one line what is wrong when the
    /// server cannot be reached or refuses the login.
    public static func open(url: PostgresURL, migrate: Bool = true, dryRun: Bool = false, logger: Logger = Logger(label: "lectern.postgres"))
        async throws(DatabaseOpenError) -> PostgresSiteDatabase
    {
        let database: PostgresSiteDatabase
        do {
            database = try PostgresSiteDatabase(url: url, isDryRun: dryRun, logger: logger)
        } catch {
            throw DatabaseOpenError(path: url.redacted, reason: "cannot set up TLS for sslmode=require: \(error)")
        }
        do {
            // One direct connection first: the pool would keep retrying an unreachable server for a minute before
            // failing, and an operator starting Lectern wants the reason at once.
            let probe = try await PostgresConnection.connect(configuration: database.changes.configuration, id: 0, logger: logger)
            try? await probe.close()
            let (applied, _) = try await database.migrationStatus()
            let unknown = applied.filter { !PostgresMigrations.names.contains($0) }
            guard unknown.isEmpty else {
                throw DatabaseOpenError(path: url.redacted, reason: PostgresMigrations.newerReason(unknown))
            }
            if let tables = try await database.foreignTables() {
                throw DatabaseOpenError(path: url.redacted, reason: PostgresMigrations.foreignReason(tables))
            }
            if migrate {
                if dryRun {
                    let pending = try await database.migrationStatus().pending
                    guard pending.isEmpty else {
                        throw DatabaseOpenError(
                            path: url.redacted,
                            reason: "needs migrating first (\(pending.count) pending); run `lectern db migrate`, then repeat the dry run")
                    }
                } else {
                    try await database.migrate()
                }
            }
            return database
        } catch let error as DatabaseOpenError {
            await database.stop()
            throw error
        } catch {
            await database.stop()
            throw DatabaseOpenError(path: url.redacted, reason: PostgresProblem.explain(error, url: url))
        }
    }

    /// Applies the migrations this binary knows and the database has not had, in one transaction, holding an
    /// advisory lock so that instances starting together migrate once.
    public func migrate() async throws {
        try await client.withConnection { connection in
            // The search functions normalise Unicode and classify letters with ICU: a database in another encoding, or
            // a server built without ICU, would migrate and then refuse every post.
            let runner = QueryRunner(connection: connection, logger: logger)
            guard try await runner.value("SELECT current_setting('server_encoding')", as: String.self) == "UTF8" else {
                throw DatabaseOpenError(path: url.redacted, reason: "is not in UTF8 (create it with `createdb --encoding=UTF8 --template=template0`)")
            }
            guard try await runner.exists("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'") else {
                throw DatabaseOpenError(path: url.redacted, reason: "is on a PostgreSQL server built without ICU, which Lectern's search needs")
            }
            _ = try await connection.queryIfOpen("BEGIN", logger: logger)
            do {
                _ = try await connection.queryIfOpen("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey))", logger: logger)
                _ = try await connection.queryIfOpen(
                    "CREATE TABLE IF NOT EXISTS lectern_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)", logger: logger)
                let applied = Set(try await Self.appliedMigrations(connection, logger: logger))
                let unknown = applied.filter { !PostgresMigrations.names.contains($0) }
                guard unknown.isEmpty else {
                    throw DatabaseOpenError(path: url.redacted, reason: PostgresMigrations.newerReason(Array(unknown).sorted()))
                }
                for migration in PostgresMigrations.all where !applied.contains(migration.name) {
                    for statement in SQLStatements.split(migration.sql) {
                        _ = try await connection.queryIfOpen(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    if migration.name == PostgresMigrations.secretMigration {
                        let secret = ByteBuffer(bytes: SecretToken.randomBytes(32))
                        _ = try await connection.queryIfOpen("INSERT INTO site_secret (id, secret) VALUES (1, \(secret))", logger: logger)
                    }
                    _ = try await connection.queryIfOpen(
                        "INSERT INTO lectern_migrations (name, applied_at) VALUES (\(migration.name), \(Date()))", logger: logger)
                }
                _ = try await connection.queryIfOpen("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.queryIfOpen("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    public func migrationStatus() async throws -> (applied: [String], pending: [String]) {
        let applied = try await read { runner in
            let exists = try await runner.value("SELECT to_regclass('lectern_migrations') IS NOT NULL", as: Bool.self) ?? false
            return exists ? try await Self.appliedMigrations(runner.connection, logger: logger) : []
        }
        let done = Set(applied)
        return (applied, PostgresMigrations.names.filter { !done.contains($0) })
    }

    /// Up to five tables Lectern did not make, in a database it has never migrated (another application's), or nil.
    /// One statement, so one snapshot: an instance migrating beside this one is seen either not at all or with its
    /// migrations table. Views, and tables an extension made (PostGIS's `spatial_ref_sys`), are not another application's.
    private func foreignTables() async throws -> String? {
        try await read { runner in
            try await runner.value(
                """
                SELECT string_agg(relname, ', ' ORDER BY relname) FROM (
                    SELECT class.relname::text AS relname FROM pg_class AS class
                    WHERE class.relnamespace = current_schema()::regnamespace AND class.relkind IN ('r', 'p')
                        AND NOT EXISTS (
                            SELECT 1 FROM pg_depend WHERE pg_depend.classid = 'pg_class'::regclass AND pg_depend.objid = class.oid
                                AND pg_depend.deptype = 'e')
                        AND NOT EXISTS (
                            SELECT 1 FROM pg_class AS ours
                            WHERE ours.relnamespace = current_schema()::regnamespace AND ours.relname = 'lectern_migrations')
                    ORDER BY class.relname LIMIT 5
                ) AS found
                """, as: String.self)
        }
    }

    private static func appliedMigrations(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await QueryRunner(connection: connection, logger: logger).values("SELECT name FROM lectern_migrations ORDER BY applied_at, name")
    }

    public func siteRevision() async throws -> Int {
        try await read { runner in try await runner.value("SELECT revision FROM site_revision WHERE id = 1", as: Int.self) ?? 0 }
    }

    public func siteSecret() async throws -> [UInt8] {
        let secret = try await read { runner in try await runner.value("SELECT secret FROM site_secret WHERE id = 1", as: ByteBuffer.self) }
        guard let secret, secret.readableBytes >= 32 else {
            throw DatabaseOpenError(path: location, reason: "has no site secret (its site_secret row was deleted); restore it from a backup")
        }
        return Array(secret.readableBytesView)
    }

    public func close() async throws {
        await stop()
    }

    /// How long closing waits for the pool to close its connections: they are closed at once, unless a request
    /// still holds one. Past it, the process goes on (to its exit, which ends the connections anyway): a safety net,
    /// should the pool's run ever again not end (see `keepAliveBehavior` above).
    static let closeLimit = Duration.seconds(5)

    private func stop() async {
        guard !running.isCancelled else { return }
        running.cancel()
        PoolMeters.size.decrement(by: Double(url.maximumConnections))
        if await !BoundedWait.until(running, atMost: Self.closeLimit) {
            logger.warning(
                "the PostgreSQL pool did not close within \(Self.closeLimit) (\(connectionsInUse.value) connections lent out, \(requestsWaiting.value) requests waiting for one); going on without it")
        }
    }

    // MARK: Reading and writing

    /// Runs `body` on a connection of the pool. A server that cannot be reached is a `StorageUnavailableError`
    /// (the web answers 503 and the same request works once it is back).
    func read<T: Sendable>(_ body: (QueryRunner) async throws -> T) async throws -> T {
        do {
            return try await withPooledConnection { connection in try await body(QueryRunner(connection: connection, logger: logger, statementLog: statementLog)) }
        } catch {
            throw PostgresProblem.storageProblem(error, location: location)
        }
    }

    /// `read`, or what the same `key` gave since the last write anywhere (see `RecentReads`): for what signed-in pages
    /// read on every request. `key` must name everything `body` reads by.
    func recentRead<T: Sendable>(_ key: String, _ body: (QueryRunner) async throws -> T) async throws -> T {
        if let kept = recentReads.kept(key, as: T.self) { return kept }
        let stamp = recentReads.stamp()
        let value = try await read(body)
        if let stamp { recentReads.keep(value, as: key, stamp: stamp) }
        return value
    }

    /// Runs `updates` in one transaction (READ COMMITTED; stores lock what their rules read with `FOR NO KEY UPDATE`), or
    /// rolls it back in a dry run. A write that can change a public page bumps the site revision, which other
    /// instances hear of through `NOTIFY` (see `PostgresChangeListener`).
    func write<T: Sendable>(changesPublicPages: Bool = true, _ updates: (QueryRunner) async throws -> T) async throws -> T {
        try await retrying { try await writeOnce(changesPublicPages: changesPublicPages, updates) }
    }

    /// A write made by the one statement `statement` runs, which commits on its own: one round trip where `write` takes
    /// four (BEGIN, the statement, the revision or NOTIFY, COMMIT), so the rows it locks are held that much shorter. The
    /// statement announces its change itself, as `write` would: `pg_notify` on `PostgresChangeChannel.name`, with the
    /// site's revision moved and an empty payload when it changes a public page, else `privatePayload`. Not in a dry
    /// run: nil there, and the caller writes with `write`, which rolls back.
    func writeAlone<T: Sendable>(changesPublicPages: Bool = true, _ statement: (QueryRunner) async throws -> T) async throws -> T? {
        guard !isDryRun else { return nil }
        return try await retrying {
            defer { recentReads.forgetAll() }
            do {
                let result = try await withPooledConnection { connection in
                    try await statement(QueryRunner(connection: connection, logger: logger, statementLog: statementLog))
                }
                if changesPublicPages { WriteGeneration.shared.advance() }
                WriteGeneration.everyWrite.advance()
                return result
            } catch {
                throw PostgresProblem.storageProblem(error, location: location)
            }
        }
    }

    /// A write PostgreSQL picked as a deadlock's victim, or could not serialise, did nothing: it runs again (the
    /// closures only touch the database), a few times, after a short random pause.
    private func retrying<T: Sendable>(_ attempt: () async throws -> T) async throws -> T {
        var attempts = 1
        while true {
            do {
                return try await attempt()
            } catch where attempts < 4 && PostgresProblem.isWorthRetrying(error) {
                attempts += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...30) * attempts))
            }
        }
    }

    private func writeOnce<T: Sendable>(changesPublicPages: Bool, _ updates: (QueryRunner) async throws -> T) async throws -> T {
        // Whatever the outcome (a COMMIT whose answer was lost may have happened), what was read before may be stale.
        defer { recentReads.forgetAll() }
        do {
            let result = try await withPooledConnection { connection -> T in
                _ = try await connection.queryIfOpen("BEGIN", logger: logger)
                do {
                    let result = try await updates(QueryRunner(connection: connection, logger: logger, statementLog: statementLog))
                    if changesPublicPages {
                        // One round trip: the revision moves and the change is announced (at commit) by the same statement.
                        _ = try await connection.queryIfOpen(
                            """
                            WITH moved AS (UPDATE site_revision SET revision = revision + 1 WHERE id = 1)
                            SELECT pg_notify('\(unescaped: PostgresChangeChannel.name)', '')
                            """, logger: logger)
                    } else {
                        // Other instances forget their recent reads; their page caches and live feeds need not look.
                        _ = try await connection.queryIfOpen(
                            "NOTIFY \(unescaped: PostgresChangeChannel.name), '\(unescaped: PostgresChangeChannel.privatePayload)'", logger: logger)
                    }
                    _ = try await connection.queryIfOpen(isDryRun ? "ROLLBACK" : "COMMIT", logger: logger)
                    return result
                } catch {
                    _ = try? await connection.queryIfOpen("ROLLBACK", logger: logger)
                    throw error
                }
            }
            if !isDryRun {
                if changesPublicPages { WriteGeneration.shared.advance() }
                WriteGeneration.everyWrite.advance()
            }
            return result
        } catch {
            throw PostgresProblem.storageProblem(error, location: location)
        }
    }

    /// A connection of the pool for `body`, counted on /metrics: requests waiting for one, and connections in use.
    private func withPooledConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        requestsWaiting.add()
        var waiting = true
        defer { if waiting { requestsWaiting.remove() } }
        return try await client.withConnection { connection in
            waiting = false
            requestsWaiting.remove()
            connectionsInUse.add()
            defer { connectionsInUse.remove() }
            return try await body(connection)
        }
    }
}

/// One of `PoolMeters`, with this database's own share of it: the meter sums every database of the process for
/// /metrics, and the share is read when this database's pool does not close.
final class PoolGauge: Sendable {
    private let meter: Meter
    private let own = Atomic<Int>(0)

    init(_ meter: Meter) { self.meter = meter }

    var value: Int { own.load(ordering: .relaxed) }

    func add() {
        meter.increment()
        own.add(1, ordering: .relaxed)
    }

    func remove() {
        meter.decrement()
        own.subtract(1, ordering: .relaxed)
    }
}

/// The PostgreSQL pool's use, through swift-metrics (so /metrics shows it): requests waiting for a connection and
/// connections lent out, for every database this process opened.
enum PoolMeters {
    static let waiting = Meter(label: "lectern_database_requests_waiting")
    static let inUse = Meter(label: "lectern_database_connections_in_use")
    static let size = Meter(label: "lectern_database_pool_size")
}
