import Foundation
import GRDB
import LecternCore
import LecternTestSupport
import Testing

@testable import LecternStore

/// Events stored first: every change worth telling someone about is a row of the event log, written in the transaction
/// of the change, with its learner and its course, whichever adapter made the change (they all write through these
/// stores); kept for the retention once every notifier has read them.
@Suite final class EventLogTests: StoreSuite {
    func course(capacity: Int?) async throws -> CourseDetail {
        try site.writeCourse("flask-certificate", capacity: capacity)
        try site.writeLesson("flask-certificate", "01-first-app")
        _ = try await database.content.sync(from: ContentLoader(root: site.content))
        return try #require(try await database.courses.course(slug: "flask-certificate"))
    }

    func user(_ name: String) async throws -> User {
        try await database.users.create(
            email: try EmailAddress("\(name.lowercased())@example.com"), name: name, passwordHash: "x", verified: true)
    }

    /// The kinds appended since `after`, each with its learner, checked to name `course`.
    func kinds(after: Int64, course: CourseDetail) async throws -> [(EventKind, Int64?)] {
        try await database.events.events(after: after, limit: 1000).map { event in
            #expect(event.courseID == course.id, "\(event.kind) names course \(String(describing: event.courseID))")
            return (try #require(EventKind(rawValue: event.kind)), event.userID)
        }
    }

    func lastID() async throws -> Int64 {
        try await database.raw.integers(raw: "SELECT coalesce(max(id), 0) FROM event").first ?? 0
    }

    @Test func everyChangeWorthTellingIsAnEventOfItsCourse() async throws {
        let course = try await course(capacity: 1)
        let (ada, grace) = (try await user("Ada"), try await user("Grace"))
        let enrolments = database.enrolments
        let courses = database.courses
        let start = try await lastID()

        _ = try await enrolments.enrol(userID: ada.id, courseID: course.id)
        _ = try await database.waitlists.join(userID: grace.id, courseID: course.id)
        _ = try await enrolments.leave(userID: ada.id, courseID: course.id)
        _ = try await courses.setCapacity(slug: course.summary.slug, .some(5))
        _ = try await courses.setEnrolment(slug: course.summary.slug, open: false)
        let code = try #require(try await enrolments.complete(userID: grace.id, courseID: course.id, lessonID: course.lessons[0].id, learnerName: "Grace"))
        _ = try await enrolments.complete(userID: grace.id, courseID: course.id, lessonID: course.lessons[0].id, learnerName: "Grace")
        #expect(try await enrolments.revoke(code: code, reason: "Issued in error"))

        let told = try await kinds(after: start, course: course)
        #expect(told.map(\.0) == [
            .enrolled, .left, .enrolled, .waitlistPromoted, .seatsChanged, .enrolmentSwitched, .lessonCompleted, .certificateIssued,
            .certificateRevoked,
        ], "a second completion of the same lesson is no event")
        #expect(told.map(\.1) == [ada.id, ada.id, grace.id, grace.id, nil, nil, grace.id, grace.id, grace.id])
    }

    @Test func anEventIsKeptOnlyWithItsChange() async throws {
        let course = try await course(capacity: nil)
        let ada = try await user("Ada")
        let start = try await lastID()
        // Nothing changed, nothing to tell.
        #expect(try await database.enrolments.leave(userID: ada.id, courseID: course.id) == false)
        // A change that fails after its event was written takes the event with it.
        struct Interrupted: Error {}
        await #expect(throws: Interrupted.self) {
            if let postgres = self.database as? PostgresSiteDatabase {
                try await postgres.write { runner in
                    try await PostgresSeats.enrol(runner, userID: ada.id, courseID: course.id, now: Date())
                    throw Interrupted()
                }
            } else if let sqlite = self.database as? LecternDatabase {
                try await sqlite.write { db in
                    try Seats.enrol(db, userID: ada.id, courseID: course.id, now: Date())
                    throw Interrupted()
                }
            }
        }
        #expect(try await lastID() == start)
        #expect(try await database.enrolments.learnerCourse(course: course, userID: ada.id).isEnrolled == false)
    }

    @Test func oldEventsGoOnlyOnceEveryNotifierHasReadThem() async throws {
        let log = database.events
        let old = Date().addingTimeInterval(-40 * 86_400)
        for _ in 0..<3 { try await log.append(.enrolled, userID: nil, subjectID: nil, courseID: nil, now: old) }
        try await log.append(.enrolled, userID: nil, subjectID: nil, courseID: nil)
        let first = try await lastID() - 3
        // A notifier has read the first only.
        #expect(try await log.advance("mailer", from: 0, to: first))
        #expect(try await log.prune(retention: 30 * 86_400) == 1)
        #expect(try await log.advance("mailer", from: first, to: first + 3))
        #expect(try await log.prune(retention: 30 * 86_400) == 2, "the recent one stays for its retention")
        #expect(try await log.events(after: 0).count == 1)
    }

    @Test func theNewestEventStaysHoweverOldSoNoIdIsGivenTwice() async throws {
        let log = database.events
        for _ in 0..<2 { try await log.append(.enrolled, userID: nil, subjectID: nil, courseID: nil, now: Date().addingTimeInterval(-90 * 86_400)) }
        let newest = try await lastID()
        #expect(try await log.prune(retention: 30 * 86_400) == 1)
        try await log.append(.left, userID: nil, subjectID: nil, courseID: nil)
        #expect(try await lastID() == newest + 1)
    }
}

/// Changes that reach a course's followers from the content and from requests for places, not only from enrolling.
@Suite final class EventSourcesTests: StoreSuite {
    func sync() async throws {
        _ = try await database.content.sync(from: ContentLoader(root: site.content))
    }

    func kinds(after: Int64) async throws -> [String] {
        try await database.events.events(after: after, limit: 100).map(\.kind)
    }

    @Test func contentThatChangesSeatsOrTermsIsAnEventAndOtherEditsAreNot() async throws {
        try site.writeCourse("flask-certificate", capacity: 5)
        try site.writeLesson("flask-certificate", "01-first-app")
        try await sync()
        let start = try await database.events.newestID()
        try site.writeCourse("flask-certificate", title: "A new title", capacity: 5)
        try await sync()
        #expect(try await kinds(after: start) == [], "a new title changes no seat")
        try site.writeCourse("flask-certificate", title: "A new title", capacity: 8)
        try await sync()
        #expect(try await kinds(after: start) == ["course.seats-changed"])
        try site.writeCourse("flask-certificate", title: "A new title", capacity: 8, enrolment: "approval")
        try await sync()
        #expect(try await kinds(after: start) == ["course.seats-changed", "course.enrolment-switched"])
    }

    @Test func aRequestMadeOrWithdrawnIsAnEventOfItsCourse() async throws {
        try site.writeCourse("docker", capacity: 3, enrolment: "approval")
        try site.writeLesson("docker", "01-first")
        try await sync()
        let course = try #require(try await database.courses.course(slug: "docker"))
        let ada = try await database.users.create(email: try EmailAddress("ada@example.com"), name: "Ada", passwordHash: "x", verified: true)
        let start = try await database.events.newestID()
        let requests = database.enrolmentRequests
        _ = try await requests.request(userID: ada.id, courseID: course.id, note: "")
        _ = try await requests.withdraw(userID: ada.id, courseID: course.id)
        #expect(try await kinds(after: start) == ["request.created", "request.withdrawn"])
        let events = try await database.events.events(after: start)
        #expect(events.allSatisfy { $0.courseID == course.id && $0.userID == ada.id })
    }
}
