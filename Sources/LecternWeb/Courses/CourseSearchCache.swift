import Foundation
import LecternCore
import LecternServices
import LecternStore

/// The catalogue split into words for search (`CourseSearch.Index`), kept under the page cache's freshness rules like
/// `CourseDetailCache`: a search that the page cache cannot serve (a signed-in visitor, a new query) then neither reads
/// the catalogue nor splits its descriptions again.
final class CourseSearchCache: @unchecked Sendable {
    private struct Entry {
        var index: CourseSearch.Index
        var generation: Int
        var read: ContinuousClock.Instant
    }

    let pages: PageCache
    let publishing: Publishing
    private let lock = NSLock()
    private var entry: Entry?

    init(pages: PageCache, publishing: Publishing) {
        self.pages = pages
        self.publishing = publishing
    }

    func index() async throws -> CourseSearch.Index {
        let generation = pages.generation()
        let now = pages.now()
        if pages.lifetime > .zero, let entry = lock.withLock({ entry }), pages.isFresh(generation: entry.generation, read: entry.read) {
            return entry.index
        }
        let index = CourseSearch.Index(try await publishing.catalogue())
        lock.withLock { entry = Entry(index: index, generation: generation, read: now) }
        return index
    }
}
