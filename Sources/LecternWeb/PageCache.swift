import Foundation
import Hummingbird
import LecternCore
import LecternStore

/// Finished HTML of public pages for visitors without a session, who all see the same page. Rendering a page costs
/// far more than sending it, so a busy page is rendered about once a second instead of once a request.
///
/// An entry is used only while nothing was written by this process since it was rendered and it is younger than
/// `lifetime`, which bounds how long a change made by another process (the CLI) can go unseen. A post's view count
/// is spliced in on each request, so it stays exact.
///
/// The cache holds at most `budget` bytes of pages; past it, the least recently used pages go first, so a flood of
/// made-up addresses cannot push memory up or evict the pages people read. A key holds only the query parameters
/// its page reads (`?page=2`, `?q=`), so `?junk=…` variations of a page are one entry.
final class PageCache: @unchecked Sendable {
    struct Entry {
        var generation: Int
        var rendered: ContinuousClock.Instant
        /// The page; for a post page, its skeleton (see `PageSkeleton`), with the reader's values and the count to fill in.
        var parts: [String]
        /// The count shown when rendered, and the counter's total for the post at that moment.
        var views: (shown: Int, counted: Int)?
        var contentType = HTML.htmlType
        /// Bytes held for this entry, its key included.
        var size = 0
        /// When it was last sent, in `PageCache.clock` ticks.
        var lastUsed: UInt64 = 0

        /// A post page: its skeleton (see `PageSkeleton`) filled with the reader's `values` and then the view count:
        /// the count shown when it was rendered plus the views `counted` (the counter's total for the post now) since.
        func post(values: [String], counted: Int) -> String? {
            guard let views else { return nil }
            return PageSkeleton.fill(parts, with: values + [ViewCountText.make(views.shown + counted - views.counted)])
        }
    }

    let lifetime: Duration
    let budget: Int
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private var bytes = 0
    private var clock: UInt64 = 0
    /// Keys being rendered, since when, and the requests waiting for that render (resumed when it is stored or
    /// abandoned).
    private var refreshing: [String: Refresh] = [:]

    private struct Refresh {
        var started: ContinuousClock.Instant
        var waiters: [CheckedContinuation<Bool, Never>] = []
    }

    /// The clock entries are dated by, and the write generation they are checked against: the system's, or a test's.
    let now: @Sendable () -> ContinuousClock.Instant
    let generation: @Sendable () -> Int

    init(
        lifetime: Duration, budget: Int = 32 * 1024 * 1024, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        generation: @escaping @Sendable () -> Int = { WriteGeneration.shared.current }
    ) {
        self.lifetime = lifetime
        self.budget = budget
        self.now = now
        self.generation = generation
    }

    /// Whether something read at `generation` and `read` may still be used (the rules of every cached page).
    func isFresh(generation: Int, read: ContinuousClock.Instant) -> Bool {
        generation == self.generation() && now() - read < lifetime
    }

    /// The bytes held now (for tests and the operator).
    var size: Int { lock.withLock { bytes } }
    var count: Int { lock.withLock { entries.count } }
    /// The requests waiting for `key` to be rendered (for tests).
    func waiting(for key: String) -> Int { lock.withLock { refreshing[key]?.waiters.count ?? 0 } }

    /// The cache key, or nil when this request must be rendered for its visitor alone. `parameters` are the query
    /// parameters the page reads; any other is left out of the key.
    func key(for request: Request, context: AppRequestContext, parameters: [String] = []) -> String? {
        guard lifetime > .zero, context.session == nil, context.flash == nil else { return nil }
        var key = request.uri.path
        let query = request.uri.queryParameters
        for name in parameters {
            guard let value = query.get(name) else { continue }
            // Encoded again, so that a value holding `&page=2` cannot stand for another key.
            key += (key.contains("?") ? "&" : "?") + name + "=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        }
        return key
    }

    /// What to do for one request.
    enum Lookup {
        /// Send this entry (fresh, or stale while another request renders its replacement).
        case hit(Entry)
        /// Render the page and `store` it (or `abandon` the key on failure): this request refreshes the entry.
        case render
        /// Another request is rendering a page nobody has yet: wait for it rather than render the same page too.
        case wait
    }

    /// `lookup`, waiting while another request renders a page that is not cached yet, so a burst of requests for a
    /// cold page renders it once instead of once per connection. A waiter is resumed when that render is stored, and
    /// looks again; when the render failed or gave a page that is not kept (a 404, a page with its own headers), the
    /// waiters render for themselves, side by side, rather than queueing behind one another.
    func lookupWaiting(_ key: String) async -> Lookup {
        while true {
            let result = lookup(key)
            switch result {
            case .hit: SiteMetrics.own.pageCacheHits.increment()
            case .render: SiteMetrics.own.pageCacheMisses.increment()
            case .wait: break
            }
            guard case .wait = result else { return result }
            let stored = await withCheckedContinuation { (waiter: CheckedContinuation<Bool, Never>) in
                // The render may have ended between `lookup` and here: then look again at once.
                let waiting = lock.withLock {
                    guard refreshing[key] != nil else { return false }
                    refreshing[key]?.waiters.append(waiter)
                    return true
                }
                if !waiting { waiter.resume(returning: true) }
            }
            if !stored { return .render }
        }
    }

    /// Decides between sending an entry and rendering. When an entry goes stale, only the first request renders
    /// its replacement; the others keep getting the previous page meanwhile, instead of all rendering at once.
    func lookup(_ key: String) -> Lookup {
        let generation = self.generation()
        let now = self.now()
        return lock.withLock {
            guard let entry = entries[key] else {
                if let started = refreshing[key]?.started, now - started < Self.renderTimeout { return .wait }
                startRefresh(key, at: now)
                return .render
            }
            clock &+= 1
            entries[key]?.lastUsed = clock
            if isFresh(entry, generation: generation, now: now) { return .hit(entry) }
            if let started = refreshing[key]?.started, now - started < Self.renderTimeout { return .hit(entry) }
            startRefresh(key, at: now)
            return .render
        }
    }

    /// How long one request's render is trusted to finish before another request renders the page too.
    static let renderTimeout = Duration.seconds(5)

    /// Marks `key` as being rendered (under the lock). A render that outlived `renderTimeout` is taken over; its
    /// waiters stay, and are resumed by whichever render ends first.
    private func startRefresh(_ key: String, at now: ContinuousClock.Instant) {
        if refreshing[key] != nil {
            refreshing[key]?.started = now
        } else {
            refreshing[key] = Refresh(started: now)
        }
    }

    /// Ends the render of `key` (under the lock), returning the requests that waited for it.
    private func endRefresh(_ key: String) -> [CheckedContinuation<Bool, Never>] {
        refreshing.removeValue(forKey: key)?.waiters ?? []
    }

    /// The entry for `key` if it is fresh.
    func entry(_ key: String) -> Entry? {
        let generation = self.generation()
        let now = self.now()
        return lock.withLock { entries[key].flatMap { isFresh($0, generation: generation, now: now) ? $0 : nil } }
    }

    private func isFresh(_ entry: Entry, generation: Int, now: ContinuousClock.Instant) -> Bool {
        entry.generation == generation && now - entry.rendered < lifetime
    }

    /// Gives up a refresh that failed or gave a page that is not kept, so the next request tries again. With
    /// `gone`, the page no longer exists (a 404): its stale entry goes too, so nobody is sent it meanwhile.
    func abandon(_ key: String, gone: Bool = false) {
        let waiters = lock.withLock {
            if gone, let old = entries.removeValue(forKey: key) { bytes -= old.size }
            return endRefresh(key)
        }
        for waiter in waiters { waiter.resume(returning: false) }
    }

    func store(_ key: String, _ entry: Entry) {
        var entry = entry
        entry.size = key.utf8.count + entry.parts.reduce(0) { $0 + $1.utf8.count } + 128
        let waiters = lock.withLock {
            let waiters = endRefresh(key)
            // A page bigger than a quarter of the budget would evict too much for one address.
            guard entry.size <= budget / 4 else { return waiters }
            clock &+= 1
            entry.lastUsed = clock
            if let old = entries.updateValue(entry, forKey: key) { bytes -= old.size }
            bytes += entry.size
            if bytes > budget { evict(downTo: budget * 3 / 4) }
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Drops the least recently used entries until at most `target` bytes are held (under the lock). Evicting a
    /// quarter at a time keeps the sort rare.
    private func evict(downTo target: Int) {
        for (key, entry) in entries.sorted(by: { $0.value.lastUsed < $1.value.lastUsed }) {
            guard bytes > target else { break }
            entries.removeValue(forKey: key)
            bytes -= entry.size
        }
    }

    /// The page for `request`, rendered by `render` when there is no fresh entry (always, for visitors with a session).
    /// Only complete 200 pages are kept. `parameters` are the query parameters the page reads.
    func page(for request: Request, context: AppRequestContext, parameters: [String] = [], render: () async throws -> HTML) async throws
        -> HTML
    {
        guard let key = key(for: request, context: context, parameters: parameters) else { return try await render() }
        if case .hit(let entry) = await lookupWaiting(key) { return HTML(body: entry.parts[0], contentType: entry.contentType) }
        let generation = self.generation()
        let html: HTML
        do {
            html = try await render()
        } catch {
            abandon(key, gone: (error as? HTTPError)?.status == .notFound)
            throw error
        }
        if html.status == .ok, html.headers.isEmpty {
            store(key, Entry(generation: generation, rendered: now(), parts: [html.body], views: nil, contentType: html.contentType))
        } else {
            abandon(key)
        }
        return html
    }
}
