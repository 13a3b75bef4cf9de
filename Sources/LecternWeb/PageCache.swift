import Foundation
import Hummingbird
import LecternStore

/// Finished HTML of public pages for visitors without a session, who all see the same page. Rendering a page costs
/// far more than sending it, so a busy page is rendered about once a second instead of once a request.
///
/// An entry is used only while nothing was written by this process since it was rendered and it is younger than
/// `lifetime`, which bounds how long a change made by another process (the CLI) can go unseen. A post's view count
/// is spliced in on each request, so it stays exact.
final class PageCache: @unchecked Sendable {
    /// Where the view count goes in a cached page.
    static let viewsMarker = "\u{1}lectern-views\u{1}"

    struct Entry {
        var generation: Int
        var rendered: ContinuousClock.Instant
        /// The page split at each view-count marker; one part when the page shows no count.
        var parts: [String]
        /// The count shown when rendered, and the counter's total for the post at that moment.
        var views: (shown: Int, counted: Int)?
    }

    let lifetime: Duration
    let capacity: Int
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    /// Keys being rendered again, and since when.
    private var refreshing: [String: ContinuousClock.Instant] = [:]

    init(lifetime: Duration, capacity: Int = 2000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The cache key, or nil when this request must be rendered for its visitor alone.
    func key(for request: Request, context: AppRequestContext) -> String? {
        guard lifetime > .zero, context.session == nil else { return nil }
        return request.uri.description
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

    /// `lookup`, waiting (briefly) while another request renders a page that is not cached yet, so a burst of
    /// requests for a cold page renders it once instead of once per connection.
    func lookupWaiting(_ key: String) async -> Lookup {
        for _ in 0..<250 {
            let result = lookup(key)
            guard case .wait = result else { return result }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return .render
    }

    /// Decides between sending an entry and rendering. When an entry goes stale, only the first request renders
    /// its replacement; the others keep getting the previous page meanwhile, instead of all rendering at once.
    func lookup(_ key: String) -> Lookup {
        let generation = WriteGeneration.shared.current
        let now = ContinuousClock.now
        return lock.withLock {
            guard let entry = entries[key] else {
                if let started = refreshing[key], now - started < .seconds(5) { return .wait }
                refreshing[key] = now
                return .render
            }
            if isFresh(entry, generation: generation, now: now) { return .hit(entry) }
            if let started = refreshing[key], now - started < .seconds(5) { return .hit(entry) }
            refreshing[key] = now
            return .render
        }
    }

    /// The entry for `key` if it is fresh.
    func entry(_ key: String) -> Entry? {
        let generation = WriteGeneration.shared.current
        return lock.withLock { entries[key].flatMap { isFresh($0, generation: generation, now: .now) ? $0 : nil } }
    }

    private func isFresh(_ entry: Entry, generation: Int, now: ContinuousClock.Instant) -> Bool {
        entry.generation == generation && now - entry.rendered < lifetime
    }

    /// Gives up a refresh that failed, so the next request tries again.
    func abandon(_ key: String) {
        lock.withLock { _ = refreshing.removeValue(forKey: key) }
    }

    func store(_ key: String, _ entry: Entry) {
        lock.withLock {
            if entries.count >= capacity {
                // Many distinct addresses (searches, say): start again rather than track ages; the busy pages come back at once.
                entries.removeAll(keepingCapacity: true)
                refreshing.removeAll(keepingCapacity: true)
            }
            entries[key] = entry
            refreshing.removeValue(forKey: key)
        }
    }

    /// The page for `request`, rendered by `render` when there is no fresh entry (always, for visitors with a session).
    /// Only complete 200 pages are kept.
    func page(for request: Request, context: AppRequestContext, render: () async throws -> HTML) async throws -> HTML {
        guard let key = key(for: request, context: context) else { return try await render() }
        if case .hit(let entry) = await lookupWaiting(key) { return HTML(body: entry.parts[0]) }
        let generation = WriteGeneration.shared.current
        let html: HTML
        do {
            html = try await render()
        } catch {
            abandon(key)
            throw error
        }
        if html.status == .ok, html.headers.isEmpty {
            store(key, Entry(generation: generation, rendered: .now, parts: [html.body], views: nil))
        } else {
            abandon(key)
        }
        return html
    }
}
