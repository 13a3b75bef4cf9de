import Foundation
import LecternCore
import LecternServices
import LecternStore
import Logging

/// Everything `buildApplication` needs; the CLI fills it from flags and environment, tests from a temporary folder.
public struct AppConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests).
    public var port: Int
    /// The SQLite file or PostgreSQL database (`--database`, `LECTERN_DATABASE_URL`).
    public var database: DatabaseLocation
    public var contentPath: String
    public var publicPath: String
    public var siteName: String
    /// Absolute links (canonical, feed, sitemap) are built from this, never from the request's Host header.
    public var baseURL: String
    /// Dates are stored in UTC and shown in this zone.
    public var timeZone: TimeZone
    /// How often counted post views are written to the database; a crash loses at most this much.
    public var viewFlushInterval: Duration
    /// How long a public page rendered for visitors without a session may be reused; zero turns the cache off.
    /// Any write that changes a public page ends it sooner: at once in this process, within a quarter of a second
    /// when the CLI makes it. This bounds only what depends on the clock, such as an enrolment date passing.
    public var pageCacheLifetime: Duration
    public var logLevel: Logger.Level
    /// Import `contentPath` when the application is built.
    public var syncContentAtStart: Bool
    /// `Secure` cookies with the `__Host-` prefix, and HSTS. On by default when `baseURL` is https.
    public var secureCookies: Bool
    /// argon2id cost for new hashes; stored hashes that are weaker are re-hashed at the next login.
    public var argon2: Argon2Parameters
    public var sessionLifetime: SessionLifetime
    public var loginLimits: LoginLimits
    /// Posts of forms that send mail (register, forgot password, address change) allowed from one client address an hour.
    public var mailFormsPerAddress: Int
    /// API requests one token (or signed-in account, or anonymous client network) may make a minute.
    public var apiRequestsPerMinute = 600
    /// How long a connection may sit idle before the server closes it (slow or idle clients must not hold connections
    /// for ever; a live socket is kept by its pings).
    public var idleTimeout: Duration = .seconds(30)
    /// Where `/metrics` is served without a token, apart from the site; nil: on the site, to administrators' tokens.
    public var metricsAddress: ListenAddress?
    /// Reverse proxies whose `X-Forwarded-For` names the client (none: the peer is the client).
    public var trustedProxies = TrustedProxies.none
    /// Whether GraphQL clients may ask for the schema (`__schema`, `__type`).
    public var graphQLIntrospection = true
    /// A sendmail-compatible command and its arguments; nil keeps mail in the outbox table.
    public var sendmailCommand: [String]?
    /// How long outbox messages are kept before they are deleted.
    public var outboxRetention: TimeInterval
    /// How long events (enrolments, completions, reviews, certificates…) are kept once every notifier has read them.
    public var eventRetention: TimeInterval = 30 * 86_400
    /// Bounds on live connections (per account, per client network, subscriptions each, queued messages each).
    public var liveLimits = LiveLimits()
    /// How often the server looks for changes other processes made (the site's revision, new events).
    public var changeInterval: Duration = .milliseconds(250)
    /// The most memory, in bytes, the page cache may hold; the least recently used pages go first.
    public var pageCacheBudget: Int
    /// Send mail after answering (true, the default: whether a message went never shows in the response time), or
    /// before answering (tests, so they can read what was sent without waiting for it).
    public var mailInBackground = true
    /// How often the mailers look for notices to send that no request of this server sent (a waitlist promotion, a
    /// decision made from the CLI or on another instance); nil: never (tests, which run the mailers themselves, so that
    /// a slow test never finds its notice already taken by the server's own round).
    public var mailCatchUpInterval: Duration? = .seconds(30)
    /// The hour of the day (UTC) from which instructors get their daily digest of checkpoint submissions waiting for review.
    public var reviewDigestHour = 7

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        database: DatabaseLocation = .sqlite(path: "db/lectern.sqlite"),
        contentPath: String = "Content",
        publicPath: String = "Public",
        siteName: String = "Lectern Academy",
        baseURL: String? = nil,
        timeZone: TimeZone = TimeZone(identifier: "UTC")!,
        viewFlushInterval: Duration = .seconds(1),
        pageCacheLifetime: Duration = .seconds(30),
        logLevel: Logger.Level = .info,
        syncContentAtStart: Bool = true,
        secureCookies: Bool? = nil,
        argon2: Argon2Parameters = .owaspMinimum,
        sessionLifetime: SessionLifetime = SessionLifetime(),
        loginLimits: LoginLimits = LoginLimits(),
        mailFormsPerAddress: Int = 20,
        sendmailCommand: [String]? = nil,
        outboxRetention: TimeInterval = 30 * 86_400,
        pageCacheBudget: Int = 32 * 1024 * 1024
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.contentPath = contentPath
        self.publicPath = publicPath
        self.siteName = siteName
        let hostForURL = host.contains(":") ? "[\(host)]" : host
        self.baseURL = Self.trimmedBaseURL(baseURL ?? "http://\(hostForURL == "0.0.0.0" ? "127.0.0.1" : hostForURL):\(port)")
        self.timeZone = timeZone
        self.viewFlushInterval = viewFlushInterval
        self.pageCacheLifetime = pageCacheLifetime
        self.logLevel = logLevel
        self.syncContentAtStart = syncContentAtStart
        self.secureCookies = secureCookies ?? self.baseURL.hasPrefix("https://")
        self.argon2 = argon2
        self.sessionLifetime = sessionLifetime
        self.loginLimits = loginLimits
        self.mailFormsPerAddress = mailFormsPerAddress
        self.sendmailCommand = sendmailCommand
        self.outboxRetention = outboxRetention
        self.pageCacheBudget = pageCacheBudget
    }

    static func trimmedBaseURL(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}

/// A host and port to listen on, written `host:port` (`[::1]:9100` for IPv6).
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Reads `127.0.0.1:9100`, `[::1]:9100` or `0.0.0.0:9100`; nil when it is none of these.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) } else if host.contains(":") { return nil }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else { return nil }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
