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

    init(lifetime: Duration, capacity: Int = 2000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The cache key, or nil when this request must be rendered for its visitor alone.
    func key(for request: Request, context: AppRequestContext) -> String? {
        guard lifetime > .zero, context.session == nil else { return nil }
        return request.uri.description
    }

    func entry(_ key: String) -> Entry? {
        let generation = WriteGeneration.shared.current
        return lock.withLock {
            guard let entry = entries[key], entry.generation == generation, ContinuousClock.now - entry.rendered < lifetime else { return nil }
            return entry
        }
    }

    func store(_ key: String, _ entry: Entry) {
        lock.withLock {
            if entries.count >= capacity {
                // Many distinct addresses (searches, say): start again rather than track ages; the busy pages come back at once.
                entries.removeAll(keepingCapacity: true)
            }
            entries[key] = entry
        }
    }

    /// The page for `key`, rendered by `render` when there is no fresh entry. Only complete 200 pages are kept.
    func page(_ key: String?, render: () async throws -> HTML) async throws -> HTML {
        guard let key else { return try await render() }
        if let entry = entry(key) { return HTML(body: entry.parts[0]) }
        let generation = WriteGeneration.shared.current
        let html = try await render()
        if html.status == .ok, html.headers.isEmpty {
            store(key, Entry(generation: generation, rendered: .now, parts: [html.body], views: nil))
        }
        return html
    }
}
