import Foundation
import LecternCore

/// Reads courses. (Enrolment and lessons have stores of their own.)
public protocol CourseStore: Sendable {
    /// The course's slug, title and whether it is on offer, by slug (removed courses included), for precise errors.
    func exists(slug: String) async throws -> (title: String, isRemoved: Bool)?

    func slugs() async throws -> [String]

    func statistics(slug: String) async throws -> CourseStatistics?

    /// Opens or closes enrolment now, whatever the content's dates say; `nil` goes back to the content's dates.
    /// Returns true when that changed the course, false when it was already so, nil when there is no such course.
    func setEnrolment(slug: String, open: Bool?, now: Date) async throws -> Bool?

    /// Sets the seats (`.some(nil)` lifts the cap); `nil` goes back to the content's capacity. Seats already taken are
    /// never withdrawn: a capacity below the enrolled count only stops new enrolments. Returns true when that changed
    /// the course, false when it was already so, nil when there is no such course.
    func setCapacity(slug: String, _ capacity: Int??, now: Date) async throws -> Bool?

    /// The course marked `featured: true`, else the first course by title; nil when there is none.
    func featured() async throws -> CourseSummary?

    /// Every course on offer, featured first, then by title: three queries in one read, whatever the number of courses.
    func catalogue() async throws -> [CourseDetail]

    /// A course with its syllabus (lessons in order) and how many are enrolled.
    func course(slug: String) async throws -> CourseDetail?
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension CourseStore {
    public func setEnrolment(slug: String, open: Bool?, now: Date = Date()) async throws -> Bool? {
        try await self.setEnrolment(slug: slug, open: open, now: now)
    }

    public func setCapacity(slug: String, _ capacity: Int??, now: Date = Date()) async throws -> Bool? {
        try await self.setCapacity(slug: slug, capacity, now: now)
    }
}
