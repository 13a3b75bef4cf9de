import Foundation
import HTTPTypes
import Hummingbird

/// Counts API requests per caller in fixed one-minute windows: a token's or a signed-in browser's account (all of an
/// account's tokens share one allowance, so making tokens cannot multiply it), an anonymous client's network; and, apart,
/// the wrong tokens sent from a network. A counter and a lock, not `RateLimiter`'s list of times: this runs on every API
/// request and must cost next to nothing.
final class APIRequestCounter: @unchecked Sendable {
    let limit: Int
    let window: Int
    /// Windows start from the counter's creation, not from the epoch's minutes: the same fixed windows, and a test that
    /// starts a server and makes its requests at once never meets a window's end.
    private let origin: Int
    private let lock = NSLock()
    private var counts: [String: (window: Int, count: Int)] = [:]

    init(limit: Int, window: Int = 60) {
        self.limit = limit
        self.window = window
        self.origin = Int(Date().timeIntervalSince1970)
    }

    /// Counts one request for `key`: the requests left in this window and the seconds until it ends; `allowed` is false
    /// (and nothing is counted) past the limit.
    func take(_ key: String, now: Date = Date()) -> (allowed: Bool, remaining: Int, reset: Int) {
        let seconds = Int(now.timeIntervalSince1970) - origin
        let current = seconds / window
        let reset = window - seconds % window
        return lock.withLock {
            if counts.count > 100_000 { counts = counts.filter { $0.value.window == current } }
            var entry = counts[key] ?? (current, 0)
            if entry.window != current { entry = (current, 0) }
            guard entry.count < limit else { return (false, 0, reset) }
            entry.count += 1
            counts[key] = entry
            return (true, limit - entry.count, reset)
        }
    }

    /// Gives back one request counted for `key` in this window (one that turned out not to count).
    func refund(_ key: String, now: Date = Date()) {
        let current = (Int(now.timeIntervalSince1970) - origin) / window
        lock.withLock {
            guard var entry = counts[key], entry.window == current, entry.count > 0 else { return }
            entry.count -= 1
            counts[key] = entry
        }
    }
}

/// Limits each API caller's requests a minute and says where they stand in `RateLimit-Policy` and `RateLimit` (the
/// IETF httpapi draft's fields) on every answer; past the limit, a 429 problem with `Retry-After`.
struct APIRateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let counter: APIRequestCounter
    /// So that a refusal from the services carries the fields too.
    let refusals: RefusalWording

    static let policy = HTTPField.Name("RateLimit-Policy")!
    static let state = HTTPField.Name("RateLimit")!

    static func networkKey(_ context: Context) -> String { "network:\(context.clientNetwork)" }

    static func fields(_ counter: APIRequestCounter, remaining: Int, reset: Int) -> HTTPFields {
        [Self.policy: "\"per-caller\";q=\(counter.limit);w=\(counter.window)", Self.state: "\"per-caller\";r=\(remaining);t=\(reset)"]
    }

    /// The 429 for a caller past its allowance, with the fields and `Retry-After`.
    static func refusal(
        _ counter: APIRequestCounter, reset: Int,
        detail: String = "This caller has made the most requests allowed this minute"
    ) -> APIProblem {
        var headers = fields(counter, remaining: 0, reset: reset)
        headers[.retryAfter] = String(reset)
        return APIProblem(
            kind: .rateLimited, status: .tooManyRequests, detail: "\(detail) (\(counter.limit)); try again in \(reset) seconds.", headers: headers)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let key = context.caller.map { "user:\($0.user.id)" } ?? Self.networkKey(context)
        let taken = counter.take(key)
        let fields = Self.fields(counter, remaining: taken.remaining, reset: taken.reset)
        guard taken.allowed else { throw Self.refusal(counter, reset: taken.reset) }
        do {
            var response = try await next(request, context)
            response.headers.append(contentsOf: fields)
            return response
        } catch var problem as APIProblem {
            problem.headers.append(contentsOf: fields)
            throw problem
        } catch let error where refusals.tell(error) != nil {
            var problem = refusals.tell(error)!.problem
            problem.headers.append(contentsOf: fields)
            throw problem
        }
    }
}
