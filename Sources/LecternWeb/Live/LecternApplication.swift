import Hummingbird
import HummingbirdCore
import LecternStore
import Logging
import NIOCore
import ServiceLifecycle

/// The application, with one thing added to how it stops: live clients are told to come back (close code 1001, so
/// they reconnect with their last id) before the server closes their sockets. Hummingbird stops its server first, and
/// a WebSocket closed by the server's own shutdown says only 1000 (normal closure), which tells a client nothing.
struct LecternApplication<Inner: ApplicationProtocol>: ApplicationProtocol {
    typealias Responder = Inner.Responder
    let inner: Inner
    let hub: LiveHub
    /// Closed when the server has stopped: a PostgreSQL pool's connections end with the process's work, not its exit.
    let database: any SiteDatabase
    /// The site's own logger (the server's says only notices and worse at the info level).
    let siteLogger: Logger

    var responder: Responder { get async throws { try await inner.responder } }
    var server: HTTPServerBuilder { inner.server }
    var configuration: ApplicationConfiguration { inner.configuration }
    var logger: Logger { inner.logger }
    var eventLoopGroup: any EventLoopGroup { inner.eventLoopGroup }
    var services: [any Service] { inner.services }
    var processesRunBeforeServerStart: [@Sendable () async throws -> Void] { inner.processesRunBeforeServerStart }

    func onServerRunning(_ channel: any Channel) async {
        await inner.onServerRunning(channel)
    }

    /// A group stops its services last first: the hub's goodbye, then the application with its server.
    func run() async throws {
        do {
            try await ServiceGroup(configuration: .init(services: [inner, LiveGoodbye(hub: hub, logger: siteLogger)], logger: logger)).run()
        } catch {
            try? await database.close()
            throw error
        }
        siteLogger.info("requests finished and background work stopped; closing the database")
        try? await database.close()
        siteLogger.info("stopped")
    }
}

/// Waits for the stop, then closes every live connection with 1001 and gives the clients a moment to answer.
private struct LiveGoodbye: Service {
    let hub: LiveHub
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("stopping: closing the live connections, then finishing the requests in progress")
        await hub.shutDown()
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(2))
        while await hub.transports > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
