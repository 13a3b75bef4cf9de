import Foundation
import LecternCore
import LecternServices

/// Courses with their syllabus, kept in memory per site revision: they are the same for every learner, so a signed-in
/// page reads only the learner's own part (issue 13: reading the course row and syllabus was 12.6% of the signed-in
/// course page). An entry is used under the page cache's rules (`PageCache.isFresh`): only while nothing was written
/// since it was read (other processes' writes reach this one within 250 ms) and while younger than its lifetime.
final class CourseDetailCache: CourseDetailSource, @unchecked Sendable {
    private struct Entry {
        var course: CourseDetail
        var generation: Int
        var read: ContinuousClock.Instant
    }

    /// Whose freshness rules (clock, write generation, lifetime) apply.
    let pages: PageCache
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    init(pages: PageCache) {
        self.pages = pages
    }

    /// The course for `slug`, from memory when fresh, else from `load` (unknown slugs are not kept).
    func course(_ slug: String, load: () async throws -> CourseDetail?) async throws -> CourseDetail? {
        guard pages.lifetime > .zero else { return try await load() }
        let generation = pages.generation()
        let now = pages.now()
        if let entry = lock.withLock({ entries[slug] }), pages.isFresh(generation: entry.generation, read: entry.read) { return entry.course }
        return try await loadAndKeep(slug, generation: generation, now: now, load: load)
    }

    /// Any copy kept, whatever was written since, while younger than the lifetime (which bounds how long a course
    /// removed by another process can still be found here; the store then refuses the place).
    func identity(_ slug: String, load: () async throws -> CourseDetail?) async throws -> CourseDetail? {
        guard pages.lifetime > .zero else { return try await load() }
        let generation = pages.generation()
        let now = pages.now()
        if let entry = lock.withLock({ entries[slug] }), now - entry.read < pages.lifetime { return entry.course }
        return try await loadAndKeep(slug, generation: generation, now: now, load: load)
    }

    private func loadAndKeep(
        _ slug: String, generation: Int, now: ContinuousClock.Instant, load: () async throws -> CourseDetail?
    ) async throws -> CourseDetail? {
        guard let course = try await load() else { return nil }
        lock.withLock {
            // Only courses that exist are kept, so the number of entries is the number of courses.
            entries[slug] = Entry(course: course, generation: generation, read: now)
        }
        return course
    }
}
