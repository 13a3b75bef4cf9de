import Foundation
import Hummingbird
import LecternCore

/// Decides whether a request for a post is a new view: one per visitor per post per half hour, never a HEAD, never
/// a known bot or a client that names no browser. A visitor is a keyed hash of their network and user agent under
/// the site key and the day's date, so nothing personal is kept and yesterday's hashes cannot be linked to today's.
final class ViewDeduplicator: @unchecked Sendable {
    static let window: TimeInterval = 30 * 60

    private let signer: MessageSigner
    private let lock = NSLock()
    private var seen: [String: Date] = [:]

    init(signer: MessageSigner) {
        self.signer = signer
    }

    /// Whether this request counts as a view of `slug`; records it when it does.
    func counts(_ slug: String, request: Request, context: AppRequestContext, now: Date = Date()) -> Bool {
        guard !HeadResponder<Router<AppRequestContext>.Responder>.isHead(request) else { return false }
        let agent = request.headers[.userAgent] ?? ""
        guard !Self.isBot(agent) else { return false }
        let day = Int(now.timeIntervalSince1970 / 86_400)
        let visitor = signer.signature("view:\(day):\(context.clientNetwork):\(agent)")
        let key = "\(slug) \(visitor)"
        return lock.withLock {
            if let last = seen[key], now.timeIntervalSince(last) < Self.window { return false }
            seen[key] = now
            if seen.count > Self.capacity { forgetOld(now: now) }
            return true
        }
    }

    /// Visitors remembered at most; past it the old are forgotten, and if a flood of made-up visitors keeps the
    /// memory full, all are (a returning reader may then count twice: better than a slow or unbounded server).
    static let capacity = 200_000

    private func forgetOld(now: Date) {
        seen = seen.filter { now.timeIntervalSince($0.value) < Self.window }
        if seen.count > Self.capacity / 2 { seen.removeAll(keepingCapacity: true) }
    }

    /// Crawlers, link previews, monitors and scripts, by the words they put in their user agent; and no user agent.
    static func isBot(_ agent: String) -> Bool {
        let lower = agent.lowercased()
        guard !lower.trimmingCharacters(in: .whitespaces).isEmpty else { return true }
        return [
            "bot", "crawl", "spider", "slurp", "facebookexternalhit", "embedly", "preview", "monitor", "pingdom", "uptime", "headless",
            "python-requests", "python-urllib", "curl/", "wget/", "go-http-client", "okhttp", "java/", "libwww", "httpclient", "wrk",
            "lighthouse", "feedfetcher", "feedly", "scrapy",
        ].contains { lower.contains($0) }
    }
}
