import Foundation
import LecternCore
import LecternStore

/// Where a course's detail comes from: the database, or a copy kept per site revision (the web's `CourseDetailCache`).
public protocol CourseDetailSource: Sendable {
    /// The course for `slug`, or what `load` reads.
    func course(_ slug: String, load: () async throws -> CourseDetail?) async throws -> CourseDetail?
    /// The course for `slug` when only what writes never change of it is used (its id and slug): a kept copy serves
    /// however much was written since it was read.
    func identity(_ slug: String, load: () async throws -> CourseDetail?) async throws -> CourseDetail?
}

extension CourseDetailSource {
    public func identity(_ slug: String, load: () async throws -> CourseDetail?) async throws -> CourseDetail? {
        try await course(slug, load: load)
    }
}

/// Reads every time: the CLI's source, and the web's when page caching is off.
public struct UncachedCourses: CourseDetailSource {
    public init() {}
    public func course(_ slug: String, load: () async throws -> CourseDetail?) async throws -> CourseDetail? { try await load() }
}

/// The courses on offer, and one course as a given learner sees it. Every adapter finds courses here, so what "no such
/// course" means is decided once.
public struct Catalogue: Sendable {
    let courses: CourseStore
    let enrolments: EnrolmentStore
    let source: any CourseDetailSource

    public init(database: any SiteDatabase, source: any CourseDetailSource = UncachedCourses()) {
        self.courses = database.courses
        self.enrolments = database.enrolments
        self.source = source
    }

    /// The courses on offer, in the catalogue's order.
    public func catalogue() async throws -> [CourseDetail] {
        try await courses.catalogue()
    }

    /// The course at `slug` for an action on its places, which uses only its id and slug: the store decides under its
    /// own lock with what it reads then, so the course's counts and settings need not be read again after every write
    /// (every enrolment is one: a busy course would be read again for each).
    public func courseToPlaceOn(_ slug: String) async throws -> CourseDetail {
        guard Slug.isValid(slug), let course = try await source.identity(slug, load: { try await courses.course(slug: slug) }) else {
            throw CourseRefusal.noSuchCourse(slug: slug)
        }
        return course
    }

    /// The course on offer at `slug`.
    public func course(_ slug: String) async throws -> CourseDetail {
        guard Slug.isValid(slug), let course = try await source.course(slug, load: { try await courses.course(slug: slug) }) else {
            throw CourseRefusal.noSuchCourse(slug: slug)
        }
        return course
    }

    /// The course as `userID` sees it (their enrolment, progress, certificate; anonymous when nil) and, with `lesson`,
    /// that lesson's body, quiz and submissions, in one read.
    public func learnerCourse(_ slug: String, userID: Int64?, lesson: String? = nil) async throws -> LearnerCourse {
        try await enrolments.learnerCourse(course: try await course(slug), userID: userID, lessonSlug: lesson)
    }
}
