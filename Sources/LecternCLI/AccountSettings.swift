import Foundation
import LecternCore
import LecternServices
import LecternStore
import LecternWeb

/// Account-related settings from the environment, shared by `serve` and `user create` so both hash alike.
enum AccountSettings {
    /// The account service as a command uses it: hashing in the foreground with the server's parameters.
    static func accounts(_ database: any SiteDatabase) throws -> Accounts {
        Accounts(database: database, hasher: ForegroundPasswordHasher(parameters: try argon2()))
    }

    static func argon2() throws -> Argon2Parameters {
        let minimum = Argon2Parameters.owaspMinimum
        return Argon2Parameters(
            memoryKiB: try number("LECTERN_ARGON2_MEMORY_KIB", default: minimum.memoryKiB, atLeast: minimum.memoryKiB, atMost: 4_194_304),
            iterations: try number("LECTERN_ARGON2_ITERATIONS", default: minimum.iterations, atLeast: minimum.iterations, atMost: 100),
            parallelism: try number("LECTERN_ARGON2_PARALLELISM", default: minimum.parallelism, atLeast: 1, atMost: 64)
        )
    }

    static func sessionLifetime() throws -> SessionLifetime {
        let idleMinutes = try number("LECTERN_SESSION_IDLE_MINUTES", default: UInt32(2 * 24 * 60), atLeast: 5, atMost: 525_600)
        let maxDays = try number("LECTERN_SESSION_MAX_DAYS", default: UInt32(14), atLeast: 1, atMost: 365)
        return SessionLifetime(idle: TimeInterval(idleMinutes) * 60, absolute: TimeInterval(maxDays) * 86_400)
    }

    static func loginLimits() throws -> LoginLimits {
        let defaults = LoginLimits()
        return LoginLimits(
            perAccount: Int(try number("LECTERN_LOGIN_FAILURES_PER_ACCOUNT", default: UInt32(defaults.perAccount), atLeast: 1, atMost: 1000)),
            perAddress: Int(try number("LECTERN_LOGIN_FAILURES_PER_ADDRESS", default: UInt32(defaults.perAddress), atLeast: 1, atMost: 1_000_000))
        )
    }

    static func mailFormsPerAddress() throws -> Int {
        Int(try number("LECTERN_MAIL_FORMS_PER_ADDRESS", default: 20, atLeast: 1, atMost: 1_000_000))
    }

    static func apiRequestsPerMinute() throws -> Int {
        Int(try number("LECTERN_API_REQUESTS_PER_MINUTE", default: 600, atLeast: 1, atMost: 10_000_000))
    }

    /// LECTERN_METRICS_ADDRESS: where /metrics is served without a token (host:port), apart from the site.
    static func metricsAddress() throws -> ListenAddress? {
        guard let text = Environment.value("LECTERN_METRICS_ADDRESS") else { return nil }
        guard let address = ListenAddress(text) else {
            throw fail("LECTERN_METRICS_ADDRESS must be host:port, such as 127.0.0.1:9100 or [::1]:9100, not '\(text)'")
        }
        return address
    }

    /// LECTERN_TRUSTED_PROXIES: the reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client.
    static func trustedProxies() throws -> TrustedProxies {
        guard let text = Environment.value("LECTERN_TRUSTED_PROXIES") else { return .none }
        do {
            return try TrustedProxies(parsing: text)
        } catch {
            throw fail("LECTERN_TRUSTED_PROXIES: \(error.description)")
        }
    }

    static func graphQLIntrospection() throws -> Bool {
        guard let text = Environment.value("LECTERN_GRAPHQL_INTROSPECTION") else { return true }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw fail("LECTERN_GRAPHQL_INTROSPECTION must be 1 or 0, not '\(text)'")
        }
    }

    static func reviewDigestHour() throws -> Int {
        Int(try number("LECTERN_REVIEW_DIGEST_HOUR", default: UInt32(7), atLeast: 0, atMost: 23))
    }

    static func outboxRetention() throws -> TimeInterval {
        TimeInterval(try number("LECTERN_OUTBOX_RETENTION_DAYS", default: 30, atLeast: 1, atMost: 3650)) * 86_400
    }

    static func eventRetention() throws -> TimeInterval {
        TimeInterval(try number("LECTERN_EVENT_RETENTION_DAYS", default: 30, atLeast: 1, atMost: 3650)) * 86_400
    }

    static func liveLimits() throws -> LiveLimits {
        LiveLimits(
            connectionsPerUser: Int(try number("LECTERN_LIVE_CONNECTIONS_PER_ACCOUNT", default: 20, atLeast: 1, atMost: 1000)),
            connectionsPerNetwork: Int(try number("LECTERN_LIVE_CONNECTIONS_PER_NETWORK", default: 200, atLeast: 1, atMost: 1_000_000)))
    }

    static func pageCacheBudget() throws -> Int {
        Int(try number("LECTERN_PAGE_CACHE_MIB", default: 32, atLeast: 1, atMost: 4096)) * 1024 * 1024
    }

    static func secureCookies() throws -> Bool? {
        guard let text = Environment.value("LECTERN_SECURE_COOKIES") else { return nil }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw fail("LECTERN_SECURE_COOKIES must be 1 or 0, not '\(text)'")
        }
    }

    /// The site's public address, from a flag or LECTERN_BASE_URL, without a trailing slash; nil when neither is set.
    static func baseURL(flag: String? = nil) throws -> String? {
        guard let text = flag ?? Environment.value("LECTERN_BASE_URL") else { return nil }
        guard text.hasPrefix("http://") || text.hasPrefix("https://"), !text.contains(" "), URL(string: text)?.host != nil else {
            throw fail(
                "\(flag == nil ? "LECTERN_BASE_URL" : "--base-url") must be an absolute http:// or https:// address such as https://academy.example, not '\(text)'"
            )
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    static func sendmail() throws -> [String]? {
        guard let text = Environment.value("LECTERN_SENDMAIL") else { return nil }
        let parts = text.split(separator: " ").map(String.init)
        guard let program = parts.first, program.hasPrefix("/"), FileManager.default.isExecutableFile(atPath: program) else {
            throw fail("LECTERN_SENDMAIL must start with the absolute path of an executable, such as '/usr/sbin/sendmail -t -i', not '\(text)'")
        }
        return parts
    }

    private static func number(_ name: String, default value: UInt32, atLeast minimum: UInt32, atMost maximum: UInt32) throws -> UInt32 {
        guard let text = Environment.value(name) else { return value }
        guard let number = UInt32(text), number >= minimum, number <= maximum else {
            throw fail("\(name) must be a whole number from \(minimum) to \(maximum), not '\(text)'")
        }
        return number
    }
}
