import Foundation
import LecternCore

/// Enrolments, lesson completions and the certificates they lead to. Every rule about seats, dates and
/// certificates is applied here, in one transaction, for the web and the CLI alike.
public protocol EnrolmentStore: Sendable {
    /// Enrolments, oldest first, of one course or of all; or of one learner.
    func records(courseSlug: String?, userID: Int64?) async throws -> [EnrolmentRecord]

    /// Certificates, newest first, of one course (by slug at issue time) or of all.
    func certificateRecords(courseSlug: String?) async throws -> [CertificateRecord]

    /// Enrols `userID` if the course is open and has a seat. A second request (a double click) changes nothing.
    /// The seat count and the insert share one immediate transaction, so concurrent requests never overfill a course.
    /// A learner enrols themselves only on an `open` course; `byOperator` (the CLI) enrols on any. An operator's
    /// `overCapacityReason` admits the learner to a full course, and is recorded with the enrolment; the course's dates
    /// still apply.
    func enrol(userID: Int64, courseID: Int64, byOperator: Bool, overCapacityReason: String?, now: Date) async throws -> EnrolmentOutcome

    /// Leaves a course. Completions are kept, so re-enrolling picks up where the learner left off. The freed seat goes
    /// to the first learner waiting, in the same transaction. Returns false when the learner was not enrolled.
    @discardableResult
    func leave(userID: Int64, courseID: Int64, now: Date) async throws -> Bool

    func progress(userID: Int64, courseID: Int64) async throws -> CourseProgress

    /// Marks a lesson complete; when that completes the last required lesson, issues the certificate (once).
    /// Returns the certificate code when one exists for this course afterwards. A lesson with a knowledge check
    /// completes only once it is passed, a checkpoint only by an instructor's approval (`LessonCompletionRule`):
    /// checked here, in the write, so no route around it exists.
    @discardableResult
    func complete(userID: Int64, courseID: Int64, lessonID: Int64, learnerName: String, now: Date) async throws -> String?

    /// Undoes a completion before the course is finished. Once a certificate is issued, the lessons it certifies
    /// stay complete, so the course page, the dashboard and the certificate keep telling the same story.
    func undo(userID: Int64, lessonID: Int64) async throws

    /// Remembers the lesson a learner opened last, for the dashboard's "Continue"; writes only when the place moved.
    func rememberPlace(userID: Int64, courseID: Int64, lessonID: Int64) async throws

    /// The courses a learner is enrolled in, with progress: one read, a fixed number of queries for any number of courses.
    func courses(of userID: Int64) async throws -> [LearnerCourseEntry]

    /// A learner's dashboard: their courses with progress and their certificates, in one read.
    func dashboard(of userID: Int64) async throws -> (courses: [LearnerCourseEntry], certificates: [Certificate])

    /// What a course page needs for one visitor, in one read: the course and its syllabus and, for a signed-in
    /// learner, their enrolment, progress and certificate, and the body of `lessonSlug` when one is asked for.
    func learnerCourse(slug: String, userID: Int64?, lessonSlug: String?) async throws -> LearnerCourse?

    /// The same for a course already in hand (kept in memory per site revision): one read of the learner's part.
    func learnerCourse(course: CourseDetail, userID: Int64?, lessonSlug: String?) async throws -> LearnerCourse

    /// The certificates a learner holds, newest first.
    func certificates(of userID: Int64) async throws -> [Certificate]

    func certificate(code: String) async throws -> Certificate?

    /// Issues a corrected certificate under a new code, with the same course, date and assessment, in `name` (or the
    /// learner's current name), and marks the old one as replaced by it. Returns the new certificate.
    func reissue(code: String, name: String?, now: Date) async throws -> Certificate

    /// Revokes a certificate; returns false when the code is unknown.
    func revoke(code: String, reason: String, now: Date) async throws -> Bool
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension EnrolmentStore {
    public func records(courseSlug: String? = nil, userID: Int64? = nil) async throws -> [EnrolmentRecord] {
        try await self.records(courseSlug: courseSlug, userID: userID)
    }

    public func certificateRecords(courseSlug: String? = nil) async throws -> [CertificateRecord] {
        try await self.certificateRecords(courseSlug: courseSlug)
    }

    public func enrol(userID: Int64, courseID: Int64, byOperator: Bool = false, overCapacityReason: String? = nil, now: Date = Date()) async throws -> EnrolmentOutcome {
        try await self.enrol(userID: userID, courseID: courseID, byOperator: byOperator, overCapacityReason: overCapacityReason, now: now)
    }

    @discardableResult
    public func leave(userID: Int64, courseID: Int64, now: Date = Date()) async throws -> Bool {
        try await self.leave(userID: userID, courseID: courseID, now: now)
    }

    @discardableResult
    public func complete(userID: Int64, courseID: Int64, lessonID: Int64, learnerName: String, now: Date = Date()) async throws -> String? {
        try await self.complete(userID: userID, courseID: courseID, lessonID: lessonID, learnerName: learnerName, now: now)
    }

    public func learnerCourse(slug: String, userID: Int64?, lessonSlug: String? = nil) async throws -> LearnerCourse? {
        try await self.learnerCourse(slug: slug, userID: userID, lessonSlug: lessonSlug)
    }

    public func learnerCourse(course: CourseDetail, userID: Int64?, lessonSlug: String? = nil) async throws -> LearnerCourse {
        try await self.learnerCourse(course: course, userID: userID, lessonSlug: lessonSlug)
    }

    public func reissue(code: String, name: String?, now: Date = Date()) async throws -> Certificate {
        try await self.reissue(code: code, name: name, now: now)
    }

    public func revoke(code: String, reason: String, now: Date = Date()) async throws -> Bool {
        try await self.revoke(code: code, reason: reason, now: now)
    }
}
