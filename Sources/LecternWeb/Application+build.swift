import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import ServiceLifecycle

/// Wires the whole site: database, content import, templates, middleware and routes. The CLI and the tests both call this.
public func buildApplication(_ configuration: AppConfiguration) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "lectern")
    logger.logLevel = configuration.logLevel

    let loader = ContentLoader(root: URL(fileURLWithPath: configuration.contentPath), timeZone: configuration.timeZone)
    // A wrong --content must not leave a new, empty database behind.
    if configuration.syncContentAtStart { try loader.checkFolder() }
    let database = try await configuration.database.open()
    if configuration.syncContentAtStart {
        do {
            let report = try await database.content.sync(from: loader)
            for problem in report.problems {
                logger.warning("content: \(problem)")
            }
            logger.info("content: \(report.line)")
        } catch let error as StorageUnavailableError {
            // Serving what is stored beats a restart loop on a full disk: reading works, and the operator is told what to run.
            logger.error("content was not imported: \(error). Serving what the database holds; run `lectern content sync` once there is space.")
        }
    }

    let publicFolder = URL(fileURLWithPath: configuration.publicPath)
    let stylesheet = try HashedAsset("css/site.css", publicFolder: publicFolder)
    // Pages work without the live module: a public folder without it only loses live updates.
    let liveScript = try? HashedAsset("js/live.js", publicFolder: publicFolder)
    if liveScript == nil { logger.warning("public folder '\(publicFolder.path)' has no js/live.js: pages will not update live") }
    let staticFiles = try StaticFiles<AppRequestContext>(folder: publicFolder, logger: logger)
    let dates = DateText(timeZone: configuration.timeZone)
    let navigation = SiteNavigation()
    try await navigation.reload(from: database.sitePages)
    var renderer = PageRenderer(
        library: try await PageRenderer.loadLibrary(),
        site: SiteView(
            name: configuration.siteName,
            tagline: "Professional courses in web development",
            year: dates.year(Date()),
            stylesheet: stylesheet.url,
            liveScript: liveScript?.url ?? "",
            baseURL: configuration.baseURL
        ),
        dates: dates,
        baseURL: configuration.baseURL,
        navigation: navigation
    )
    renderer.mailToOutbox = configuration.sendmailCommand == nil

    let posts = database.posts
    // The service layer for reading the blog and the site's pages; the course services follow below.
    let publishing = Publishing(database: database)
    let sessions = database.sessions(lifetime: configuration.sessionLifetime)
    let viewCounter = ViewCounter(store: posts, interval: configuration.viewFlushInterval, logger: logger)
    let signer = MessageSigner(secret: try await database.siteSecret())
    let pageCache = PageCache(lifetime: configuration.pageCacheLifetime, budget: configuration.pageCacheBudget)
    let errorPages = try ErrorPageMiddleware<AppRequestContext>(renderer: renderer)
    let cookie = SessionCookie(secure: configuration.secureCookies, maxAge: Int(configuration.sessionLifetime.absolute))
    let hasher = try PasswordHasher(parameters: configuration.argon2)
    let mail: any MailTransport =
        if let command = configuration.sendmailCommand {
            SendmailTransport(
                command: command, from: "\(configuration.siteName) <no-reply@\(URL(string: configuration.baseURL)?.host ?? "localhost")>")
        } else {
            OutboxMailTransport(outbox: database.outbox)
        }
    if configuration.sendmailCommand == nil {
        // Said once at start, to the operator: visitors are never told where their mail went.
        logger.warning("LECTERN_SENDMAIL is not set: mail goes to the outbox; read it with `lectern mail list`")
    }
    let formTokens = FormTokens(signer: signer, secure: configuration.secureCookies)
    let flash = FlashCookie(signer: signer, secure: configuration.secureCookies)
    let resets = database.passwordResets
    let ledger = database.mailLedger
    let housekeeping = Housekeeping(
        sessions: sessions, resets: resets, ledger: ledger, rates: database.rates, outbox: (mail as? OutboxMailTransport)?.outbox, outboxRetention: configuration.outboxRetention,
        events: database.events, eventRetention: configuration.eventRetention, logger: logger)

    // Hummingbird's own start-up chatter stays out of the log unless debugging: we log one line when ready.
    var serverLogger = logger
    serverLogger.logLevel = configuration.logLevel < .info ? configuration.logLevel : max(configuration.logLevel, .notice)
    let router = Router(context: AppRequestContext.self)
    router.addMiddleware {
        ForwardedClientMiddleware(proxies: configuration.trustedProxies)
        RequestLogMiddleware()
        MetricsMiddleware()
        SecurityHeadersMiddleware(hsts: configuration.secureCookies)
        errorPages
        HostHeaderGuard()
        PathGuardMiddleware()
        // Before sessions: a static file never costs a session lookup.
        staticFiles
        SessionMiddleware(sessions: sessions, cookie: cookie)
        FlashMiddleware(cookie: flash)
        CSRFMiddleware(baseURL: configuration.baseURL, tokens: formTokens)
    }
    let routes = router.group()
    HealthController(database: database).addRoutes(to: routes)
    try HomeController(publishing: publishing, renderer: renderer, pageCache: pageCache).addRoutes(to: routes)
    try BlogController(
        publishing: publishing, viewCounter: viewCounter, views: ViewDeduplicator(signer: signer), renderer: renderer, pageCache: pageCache
    ).addRoutes(to: routes)
    try SearchController(publishing: publishing, renderer: renderer, pageCache: pageCache).addRoutes(to: routes)
    FeedController(publishing: publishing, renderer: renderer, pageCache: pageCache).addRoutes(to: routes)
    // The service layer: every adapter below (pages, REST) calls these, never the course stores for a rule.
    let catalogue = Catalogue(database: database, source: CourseDetailCache(pages: pageCache))
    let places = Enrolments(database: database, catalogue: catalogue)
    let learning = Learning(database: database, catalogue: catalogue)
    let presenter = CoursePresenter(catalogue: catalogue, renderer: renderer, flash: flash)
    try CourseController(presenter: presenter, pageCache: pageCache).addRoutes(to: routes)
    try PlaceController(presenter: presenter, enrolments: places).addRoutes(to: routes)
    let lessons = try LessonController(presenter: presenter, learning: learning, pageCache: pageCache)
    lessons.addRoutes(to: routes)
    try QuizController(lessons: lessons).addRoutes(to: routes)
    CheckpointController(lessons: lessons).addRoutes(to: routes)
    let checkpoints = database.checkpoints
    let verifications = database.verifications
    var reviewMailer = ReviewMailer(
        events: database.events, checkpoints: checkpoints, mail: mail, ledger: ledger, verifications: verifications,
        siteName: configuration.siteName, baseURL: configuration.baseURL, dates: dates, digestHour: configuration.reviewDigestHour, logger: logger)
    var enrolmentMailer = EnrolmentMailer(
        events: database.events, requests: database.enrolmentRequests, waitlists: database.waitlists,
        mail: mail, ledger: ledger, verifications: verifications, siteName: configuration.siteName, baseURL: configuration.baseURL, logger: logger)
    let mailRounds: [any Service]
    if let interval = configuration.mailCatchUpInterval {
        reviewMailer.catchUpInterval = interval
        enrolmentMailer.catchUpInterval = interval
        mailRounds = [reviewMailer, enrolmentMailer]
    } else {
        mailRounds = []
    }
    try ReviewController(
        reviews: Reviews(database: database), renderer: renderer, flash: presenter.flash,
        mailer: reviewMailer, enrolmentMailer: enrolmentMailer, mailInBackground: configuration.mailInBackground
    ).addRoutes(to: routes)
    try DashboardController(enrolments: places, renderer: renderer, pageCache: pageCache).addRoutes(to: routes)
    try CertificateController(certificates: Certificates(database: database), renderer: renderer).addRoutes(to: routes)
    let accounts = AccountServices(
        accounts: Accounts(
            database: database, sessions: sessions, hasher: hasher, loginLimits: configuration.loginLimits,
            mailFormsPerNetwork: configuration.mailFormsPerAddress),
        mail: mail, ledger: ledger, cookie: cookie, formTokens: formTokens, deviceCookie: DeviceCookie(signer: signer, secure: configuration.secureCookies),
        flash: flash, mailInBackground: configuration.mailInBackground, renderer: renderer, logger: logger)
    let intent = EnrolmentIntent(signer: signer, catalogue: catalogue, enrolments: places)
    try AccountController(services: accounts, intent: intent).addRoutes(to: routes)
    let accessTokens = database.accessTokens
    try AccessTokenController(services: accounts, renderer: renderer).addRoutes(to: routes)
    try NotificationController(notifications: Notifications(database: database), renderer: renderer, flash: flash).addRoutes(to: routes)
    try ContractController(renderer: renderer, pageCache: pageCache).addRoutes(to: routes)
    // One allowance per caller for REST and GraphQL together.
    let apiCounter = APIRequestCounter(limit: configuration.apiRequestsPerMinute)
    let apiAllowance = APIRateLimitMiddleware(counter: apiCounter, refusals: RefusalWording(dates: dates))
    let apiAuthentication = APIAuthMiddleware(tokens: accessTokens, counter: apiCounter)
    // With an address of its own, /metrics is served there only (see below).
    if configuration.metricsAddress == nil { MetricsController(tokens: accessTokens, counter: apiCounter).addRoutes(to: routes) }
    let api = router.group("api/v1").add(middleware: apiAuthentication).add(middleware: apiAllowance)
    ProfileAPIController(enrolments: places).addRoutes(to: api)
    let apiAnswers = APIAnswerCache(pages: pageCache)
    PostsAPIController(publishing: publishing, baseURL: configuration.baseURL, answers: apiAnswers).addRoutes(to: api)
    CoursesAPIController(catalogue: catalogue, baseURL: configuration.baseURL, answers: apiAnswers).addRoutes(to: api)
    PlacesAPIController(enrolments: places).addRoutes(to: api)
    LessonsAPIController(learning: learning, baseURL: configuration.baseURL).addRoutes(to: api)
    CertificatesAPIController(certificates: Certificates(database: database), baseURL: configuration.baseURL).addRoutes(to: api)
    AdminAPIController(administration: Administration(database: database, catalogue: catalogue), enrolments: places).addRoutes(to: api)
    let graphQL = router.group("graphql").add(middleware: apiAuthentication).add(middleware: apiAllowance)
    try GraphQLController(
        resolver: GraphQLResolver(
            catalogue: catalogue, enrolments: places, learning: learning, certificates: Certificates(database: database), publishing: publishing,
            baseURL: configuration.baseURL),
        introspection: configuration.graphQLIntrospection, refusals: RefusalWording(dates: dates), answers: apiAnswers
    ).addRoutes(to: graphQL)
    // Live connections: one WebSocket per browser or program, fed from the event log by the change watcher.
    let liveFeed = LiveFeed(database: database, catalogue: catalogue)
    // Where the live loop starts is fixed before the server listens: a client that resumes at once (after a restart)
    // is caught up from its last id, and nothing stored before now is sent as new.
    let liveHub = LiveHub(limits: configuration.liveLimits, position: try await liveFeed.newest())
    let live = LiveController(
        hub: liveHub, feed: liveFeed,
        gate: LiveGate(baseURL: configuration.baseURL, sessions: sessions, cookie: cookie, tokens: accessTokens, counter: apiCounter))
    live.addPageRoutes(to: routes)
    let liveRouter = Router(context: LiveRequestContext.self)
    liveRouter.add(middleware: ForwardedClientMiddleware(proxies: configuration.trustedProxies))
    live.addRoutes(to: liveRouter)
    try EmailVerificationController(services: accounts).addRoutes(to: routes)
    try PasswordResetController(services: accounts).addRoutes(to: routes)
    // Last: `/:slug` answers any single segment no route above claims.
    try SitePageController(publishing: publishing, renderer: renderer, pageCache: pageCache)
        .addRoutes(to: routes)

    let siteName = configuration.siteName
    let siteHost = URL(string: configuration.baseURL).map { url in url.port.map { "\(url.host ?? "localhost"):\($0)" } ?? url.host ?? "localhost" } ?? "localhost"
    let readyLogger = logger
    let changes = ChangeWatcher(
        database: database, interval: configuration.changeInterval, logger: logger, navigation: navigation, hub: liveHub, feed: liveFeed)
    let application = Application(
        responder: HeadResponder(wrapped: router.buildResponder()),
        // HTTP/1.1 with the WebSocket upgrade (hummingbird-websocket's channel, built here to add what it lacks).
        server: HTTPServerBuilder { [liveResponder = liveRouter.buildResponder()] responder in
            GuardedHTTPChannel(
                inner: HTTP1WebSocketUpgradeChannel(
                    responder: responder, webSocketResponder: liveResponder,
                    configuration: .init(
                        http1: .init(idleTimeout: .nanoseconds(Int64(configuration.idleTimeout / .nanoseconds(1)))),
                        // Pings more often than proxies' usual 60-second idle cut (nginx's proxy_read_timeout).
                        ws: .init(maxFrameSize: 16_384, autoPing: .enabled(timePeriod: .seconds(25)), closeTimeout: .seconds(5), validateUTF8: true))),
                host: siteHost)
        },
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        services: ([viewCounter, housekeeping] as [any Service]) + mailRounds + [changes]
            + (configuration.metricsAddress.map { [MetricsController.server($0, serverLogger: serverLogger, logger: readyLogger)] } ?? []),
        onServerRunning: { channel in
            let address = channel.localAddress
            let host = address?.ipAddress.map { $0.contains(":") ? "[\($0)]" : $0 } ?? configuration.host
            readyLogger.info("\(siteName) is ready on http://\(host):\(address?.port ?? configuration.port)")
        },
        logger: serverLogger
    )
    return LecternApplication(inner: application, hub: liveHub, database: database, siteLogger: logger)
}

/// A file of `Public/` addressed with its content hash (the stylesheet, the live module), so browsers may cache it and
/// still see changes at once.
struct HashedAsset {
    let url: String

    init(_ path: String, publicFolder: URL) throws {
        let file = publicFolder.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw StartupError("public folder '\(publicFolder.path)' has no \(path) (set --public or LECTERN_PUBLIC to the folder that holds it)")
        }
        self.url = "/\(path)?v=\(Digest.sha256Hex(data).prefix(10))"
    }
}

/// A configuration problem found while starting; the message is one line for the operator.
public struct StartupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
