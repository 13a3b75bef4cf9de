import Foundation
import LecternCore
import LecternStore
import LecternTestSupport
import Testing

@Suite final class EnrolmentStoreTests: StoreSuite {
    var enrolments: EnrolmentStore { database.enrolments }

    func sync() async throws -> SyncReport {
        try await database.content.sync(from: ContentLoader(root: site.content))
    }

    func course(_ slug: String = "flask-certificate") async throws -> CourseDetail {
        try #require(try await database.courses.course(slug: slug))
    }

    func users(_ count: Int) async throws -> [User] {
        var users: [User] = []
        for index in 0..<count {
            users.append(
                try await database.users.create(
                    email: try EmailAddress("learner\(index)@example.com"), name: "Learner \(index)", passwordHash: "x", verified: true))
        }
        return users
    }

    func threeLessons() async throws {
        try site.writeCourse("flask-certificate")
        try site.writeLesson("flask-certificate", "01-first-app")
        try site.writeLesson("flask-certificate", "02-routing")
        try site.writeLesson("flask-certificate", "03-extras", optional: true)
        _ = try await sync()
    }

    @Test func twoHundredConcurrentRequestsForTenSeatsEnrolExactlyTen() async throws {
        try site.writeCourse("flask-certificate", capacity: 10)
        _ = try await sync()
        let course = try await course()
        let learners = try await users(200)
        let store = enrolments
        let outcomes = try await withThrowingTaskGroup(of: EnrolmentOutcome.self) { group in
            for learner in learners {
                group.addTask { try await store.enrol(userID: learner.id, courseID: course.id) }
            }
            var all: [EnrolmentOutcome] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes.filter { $0 == .enrolled }.count == 10)
        #expect(outcomes.filter { $0 == .refused(.full) }.count == 190)
        #expect(try await self.course().enrolledCount == 10)
    }

    @Test func enrollingTwiceEnrolsOnce() async throws {
        try site.writeCourse("flask-certificate", capacity: 5)
        _ = try await sync()
        let course = try await course()
        let learner = try await users(1)[0]
        #expect(try await enrolments.enrol(userID: learner.id, courseID: course.id) == .enrolled)
        #expect(try await enrolments.enrol(userID: learner.id, courseID: course.id) == .alreadyEnrolled)
        #expect(try await self.course().enrolledCount == 1)
    }

    @Test func learnersClickingSeveralTimesAtOnceAreEachEnrolledOnceWithOneEvent() async throws {
        // On PostgreSQL, places asked for at once are taken together in one statement (`WriteBatches`): a learner's
        // second and third clicks may land in the same batch as their first.
        try site.writeCourse("flask-certificate", capacity: 100)
        _ = try await sync()
        let course = try await course()
        let learners = try await users(20)
        let store = enrolments
        let outcomes = try await withThrowingTaskGroup(of: (Int64, EnrolmentOutcome).self) { group in
            for learner in learners {
                for _ in 0..<3 { group.addTask { (learner.id, try await store.enrol(userID: learner.id, courseID: course.id)) } }
            }
            var all: [(Int64, EnrolmentOutcome)] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        for learner in learners {
            let theirs = outcomes.filter { $0.0 == learner.id }.map(\.1)
            #expect(theirs.filter { $0 == .enrolled }.count == 1)
            #expect(theirs.filter { $0 == .alreadyEnrolled }.count == 2)
        }
        #expect(try await self.course().enrolledCount == 20)
        let events = try await database.events.events(after: 0, limit: 1000).filter { $0.kind == EventKind.enrolled.rawValue }
        #expect(events.count == 20)
        #expect(Set(events.compactMap(\.userID)) == Set(learners.map(\.id)))
    }

    @Test func enrolmentRespectsItsDates() async throws {
        try site.writeCourse("future", title: "Future", opens: "2099-01-01")
        try site.writeCourse("past", title: "Past", closes: "2020-01-01")
        _ = try await sync()
        let learner = try await users(1)[0]
        let future = try await course("future")
        let past = try await course("past")
        #expect(try await enrolments.enrol(userID: learner.id, courseID: future.id) == .refused(.notYetOpen(try #require(future.enrolmentOpens))))
        #expect(try await enrolments.enrol(userID: learner.id, courseID: past.id) == .refused(.closed(try #require(past.enrolmentCloses))))
    }

    @Test func progressCountsRequiredLessonsOnly() async throws {
        try await threeLessons()
        let course = try await course()
        let learner = try await users(1)[0]
        _ = try await enrolments.enrol(userID: learner.id, courseID: course.id)
        let optional = try #require(course.lessons.first { $0.isOptional })
        try await enrolments.complete(userID: learner.id, courseID: course.id, lessonID: optional.id, learnerName: learner.name)
        var progress = try await enrolments.progress(userID: learner.id, courseID: course.id)
        #expect(progress.required == 2 && progress.completedRequired == 0 && progress.percent == 0)
        try await enrolments.complete(userID: learner.id, courseID: course.id, lessonID: course.lessons[0].id, learnerName: learner.name)
        progress = try await enrolments.progress(userID: learner.id, courseID: course.id)
        #expect(progress.percent == 50)
    }

    @Test func theCertificateIsIssuedExactlyOnce() async throws {
        try await threeLessons()
        let course = try await course()
        let learner = try await users(1)[0]
        _ = try await enrolments.enrol(userID: learner.id, courseID: course.id)
        #expect(
            try await enrolments.complete(userID: learner.id, courseID: course.id, lessonID: course.lessons[0].id, learnerName: learner.name) == nil)
        let code = try #require(
            try await enrolments.complete(userID: learner.id, courseID: course.id, lessonID: course.lessons[1].id, learnerName: learner.name))
        #expect(code.count == 23)
        // Once certified, the lessons it certifies stay complete: the course page, dashboard and certificate agree.
        await #expect(throws: CourseCertifiedError.self) { try await enrolments.undo(userID: learner.id, lessonID: course.lessons[1].id) }
        #expect(try await enrolments.progress(userID: learner.id, courseID: course.id).isComplete)
        let again = try await enrolments.complete(userID: learner.id, courseID: course.id, lessonID: course.lessons[1].id, learnerName: learner.name)
        #expect(again == code)
        #expect(try await enrolments.certificates(of: learner.id).map(\.code) == [code])
        let certificate = try #require(try await enrolments.certificate(code: code))
        #expect(certificate.learnerName == "Learner 0" && certificate.courseTitle == "Flask Certificate" && certificate.revokedAt == nil)
        #expect(try await enrolments.revoke(code: code, reason: "Issued in error"))
        #expect(try await enrolments.certificate(code: code)?.revokeReason == "Issued in error")
        // A revoked certificate certifies nothing: lessons can be undone again, and completing them issues no new one.
        #expect(try await enrolments.dashboard(of: learner.id).courses.first?.certifiedAt == nil)
        try await enrolments.undo(userID: learner.id, lessonID: course.lessons[1].id)
        #expect(
            try await enrolments.complete(userID: learner.id, courseID: course.id, lessonID: course.lessons[1].id, learnerName: learner.name) == nil)
        #expect(try await enrolments.revoke(code: "NOPE", reason: "x") == false)
    }

    @Test func resyncingLessonsKeepsProgressAndCertificatesConsistent() async throws {
        try await threeLessons()
        var course = try await course()
        let learner = try await users(1)[0]
        _ = try await enrolments.enrol(userID: learner.id, courseID: course.id)
        try await enrolments.complete(userID: learner.id, courseID: course.id, lessonID: course.lessons[0].id, learnerName: learner.name)

        // A removed lesson stops counting.
        try site.remove("courses/flask-certificate/lessons/02-routing.md")
        #expect(try await sync().lessonsRetired == 1)
        var progress = try await enrolments.progress(userID: learner.id, courseID: course.id)
        #expect(progress.required == 1 && progress.completedRequired == 1)

        // Completing the remaining required work issues the certificate; adding a lesson later never withdraws it.
        course = try await self.course()
        let code = try await enrolments.complete(userID: learner.id, courseID: course.id, lessonID: course.lessons[0].id, learnerName: learner.name)
        #expect(code != nil)
        try site.writeLesson("flask-certificate", "04-new-material")
        _ = try await sync()
        progress = try await enrolments.progress(userID: learner.id, courseID: course.id)
        #expect(progress.required == 2 && progress.completedRequired == 1)
        #expect(try await enrolments.certificates(of: learner.id).map(\.code) == [try #require(code)])

        // Reordering keeps completions, which follow the lesson, not its number.
        try site.remove("courses/flask-certificate/lessons/01-first-app.md")
        try site.writeLesson("flask-certificate", "05-first-app")
        _ = try await sync()
        course = try await self.course()
        #expect(course.lessons.map(\.slug) == ["extras", "new-material", "first-app"])
        progress = try await enrolments.progress(userID: learner.id, courseID: course.id)
        #expect(progress.completedRequired == 1)
    }

    @Test func lessonsOfUnknownModulesAreRefused() async throws {
        try site.writeCourse("flask-certificate")
        try site.writeLesson("flask-certificate", "01-first-app", module: "Nonexistent")
        let report = try await sync()
        #expect(report.errors.map(\.reason) == ["module 'Nonexistent' is not one of the course's modules ('Foundations', 'Data')"])
        #expect(report.lessonsCreated == 0)
    }

    @Test func oneReadGathersALearnersCourse() async throws {
        try await threeLessons()
        _ = try await sync()
        let course = try await course()
        let (ada, grace) = try await { let two = try await users(2); return (two[0], two[1]) }()
        _ = try await enrolments.enrol(userID: ada.id, courseID: course.id)
        try await enrolments.complete(userID: ada.id, courseID: course.id, lessonID: course.lessons[0].id, learnerName: ada.name)

        let mine = try #require(try await enrolments.learnerCourse(slug: "flask-certificate", userID: ada.id, lessonSlug: course.lessons[1].slug))
        #expect(mine.isEnrolled)
        #expect(mine.progress?.completedLessonIDs == [course.lessons[0].id])
        #expect(mine.progress == (try await enrolments.progress(userID: ada.id, courseID: course.id)))
        #expect(mine.lessonHTML?.contains(#"<span class="tok-fn">print</span>("#) == true)
        #expect(mine.course.lessons.map(\.slug) == course.lessons.map(\.slug))
        #expect(mine.course.enrolledCount == 1)

        let theirs = try #require(try await enrolments.learnerCourse(slug: "flask-certificate", userID: grace.id))
        #expect(!theirs.isEnrolled && theirs.progress?.completedLessonIDs.isEmpty == true && theirs.certificateCode == nil)
        let visitor = try #require(try await enrolments.learnerCourse(slug: "flask-certificate", userID: nil))
        #expect(visitor.progress == nil && visitor.lessonHTML == nil)
        #expect(try await enrolments.learnerCourse(slug: "no-such-course", userID: ada.id) == nil)

        let dashboard = try await enrolments.dashboard(of: ada.id)
        #expect(dashboard.courses.map(\.slug) == ["flask-certificate"])
        #expect(dashboard.courses.first?.nextLesson?.slug == course.lessons[1].slug)
    }
}
