import Foundation
import LecternCore
import LecternStore

/// Courses with their syllabus, kept in memory per site revision: they are the same for every learner, so a signed-in
/// page reads only the learner's own part (issue 13: reading the course row and syllabus was 12.6% of the signed-in
/// course page). An entry is used under the page cache's rules: only while nothing was written since it was read
/// (`WriteGeneration`, which other processes' writes reach within 250 ms) and while younger than `lifetime`.
final class CourseDetailCache: @unchecked Sendable {
    private struct Entry {
        var course: CourseDetail
        var generation: Int
        var read: ContinuousClock.Instant
    }

    let lifetime: Duration
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    /// The course for `slug`, from memory when fresh, else from `load` (unknown slugs are not kept).
    func course(_ slug: String, load: () async throws -> CourseDetail?) async throws -> CourseDetail? {
        guard lifetime > .zero else { return try await load() }
        let generation = WriteGeneration.shared.current
        let now = ContinuousClock.now
        if let entry = lock.withLock({ entries[slug] }), entry.generation == generation, now - entry.read < lifetime { return entry.course }
        guard let course = try await load() else { return nil }
        lock.withLock {
            // Only courses that exist are kept, so the number of entries is the number of courses.
            entries[slug] = Entry(course: course, generation: generation, read: now)
        }
        return course
    }
}
