import ArgumentParser
import Foundation
import Hummingbird
import LecternCore
import LecternStore
import LecternWeb
import Logging
import NIOCore

/// `lectern serve`: imports Content/ and serves the site until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the site (imports Content/ first).",
        discussion: """
            Example:
              lectern serve --port 8080
              LECTERN_PORT=9000 LECTERN_DB=/var/lib/lectern/site.sqlite lectern serve
              LECTERN_DATABASE_URL=postgres://lectern:secret@db.internal:5432/lectern lectern serve
            Stops cleanly on Ctrl-C (SIGINT) or SIGTERM, writing pending view counts first.
            """
    )

    @OptionGroup var site: SiteOptions

    @Option(name: .long, help: ArgumentHelp("Address to listen on (env LECTERN_HOST).", valueName: "address"))
    var host: String?

    @Option(name: .long, help: ArgumentHelp("Port to listen on, 0 for any free port (env LECTERN_PORT).", valueName: "number"))
    var port: Int?

    @OptionGroup var publicFolder: PublicFolderOption

    func run() async throws {
        let port = try self.port ?? Self.environmentPort()
        guard (0...65535).contains(port) else { throw fail("--port must be between 0 and 65535, not \(port)") }
        var logLevel = Logger.Level.info
        if let level = Environment.value("LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level) else {
                throw fail("LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical, not '\(level)'")
            }
            logLevel = parsed
        }
        let baseURL = try AccountSettings.baseURL()
        let timeZone = try SiteOptions.timeZone()
        var configuration = AppConfiguration(
            host: host ?? Environment.value("LECTERN_HOST") ?? "127.0.0.1",
            port: port,
            database: try site.location,
            contentPath: site.contentPath,
            publicPath: publicFolder.path,
            siteName: Environment.value("LECTERN_SITE_NAME") ?? "Lectern Academy",
            baseURL: baseURL,
            timeZone: timeZone,
            logLevel: logLevel,
            secureCookies: try AccountSettings.secureCookies(),
            argon2: try AccountSettings.argon2(),
            sessionLifetime: try AccountSettings.sessionLifetime(),
            loginLimits: try AccountSettings.loginLimits(),
            mailFormsPerAddress: try AccountSettings.mailFormsPerAddress(),
            sendmailCommand: try AccountSettings.sendmail(),
            outboxRetention: try AccountSettings.outboxRetention(),
            pageCacheBudget: try AccountSettings.pageCacheBudget()
        )
        configuration.reviewDigestHour = try AccountSettings.reviewDigestHour()
        configuration.eventRetention = try AccountSettings.eventRetention()
        configuration.liveLimits = try AccountSettings.liveLimits()
        configuration.apiRequestsPerMinute = try AccountSettings.apiRequestsPerMinute()
        configuration.graphQLIntrospection = try AccountSettings.graphQLIntrospection()
        configuration.trustedProxies = try AccountSettings.trustedProxies()
        configuration.metricsAddress = try AccountSettings.metricsAddress()
        // A SQLite file is guarded against `db restore` while served; PostgreSQL guards its own database.
        let lock: ServingLock? = if case .sqlite(let path) = try site.location { try Self.servingLock(path) } else { nil }
        defer { withExtendedLifetime(lock) {} }
        ProcessMemory.shareArenas()
        let app: any ApplicationProtocol
        do {
            app = try await buildApplication(configuration)
        } catch let error as DatabaseOpenError {
            throw fail(error.description)
        } catch let error as StartupError {
            throw fail(error.description)
        } catch let error as ContentFolderError {
            throw fail(error.description)
        } catch let error as StorageUnavailableError {
            throw fail(error.description)
        }
        do {
            try await app.runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw fail(
                "cannot listen on \(configuration.host):\(port): the address is already in use (is another server running? choose another --port)")
        } catch let error as IOError where error.errnoCode == EACCES {
            throw fail("cannot listen on \(configuration.host):\(port): permission denied (ports below 1024 need privileges)")
        } catch {
            throw fail("the server stopped: \(error)")
        }
    }

    /// Held shared while this server runs, so `lectern db restore` refuses to replace the database under it. When the
    /// lock file cannot be made (a missing or read-only folder), opening the database says why, better than this could.
    static func servingLock(_ databasePath: String) throws -> ServingLock? {
        do {
            return try ServingLock.acquire(databasePath: databasePath, exclusive: false)
        } catch {
            switch error.reason {
            case .restoreRunning:
                throw fail("a restore of \(databasePath) is under way (`lectern db restore`): start the server when it has ended")
            case .cannotOpen(let reason):
                if FileManager.default.fileExists(atPath: (databasePath as NSString).deletingLastPathComponent.isEmpty ? "." : (databasePath as NSString).deletingLastPathComponent) {
                    warn("lectern: warning: cannot take the lock '\(error.path)' (\(reason)): `lectern db restore` will not see this server")
                }
                return nil
            case .serverRunning:
                return nil
            }
        }
    }

    static func environmentPort() throws -> Int {
        guard let text = Environment.value("LECTERN_PORT") else { return 8080 }
        guard let port = Int(text) else { throw fail("LECTERN_PORT must be a number, not '\(text)'") }
        return port
    }
}
