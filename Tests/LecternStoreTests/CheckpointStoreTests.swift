import Foundation
import LecternCore
import LecternStore
import LecternTestSupport
import Testing

/// Checkpoints: versions kept, one waiting at a time, reviews only by the course's instructors, and an approval that
/// completes the checkpoint (and the course) in its own transaction.
@Suite final class CheckpointStoreTests {
    let site: TestSite
    let database: any SiteDatabase

    init() async throws {
        site = try TestSite()
        database = try await TestBackend.open(site)
        try site.writeCourse("flask-certificate")
        try site.writeLesson("flask-certificate", "01-first-app")
        try site.writeFile(
            "courses/flask-certificate/lessons/02-checkpoint.md",
            "---\ntitle: \"Checkpoint\"\nmodule: Foundations\nkind: checkpoint\n---\nBuild it and send a link.\n")
        _ = try await database.content.sync(from: ContentLoader(root: site.content))
    }

    deinit {
        TestBackend.release(database)
        site.delete()
    }

    var store: CheckpointStore { database.checkpoints }

    func user(_ email: String, _ name: String) async throws -> User {
        try await database.users.create(email: try EmailAddress(email), name: name, passwordHash: "x", verified: true)
    }

    func lessons() async throws -> (course: CourseDetail, first: LessonSummary, checkpoint: LessonSummary) {
        let course = try #require(try await database.courses.course(slug: "flask-certificate"))
        return (course, course.lessons[0], course.lessons[1])
    }

    func answer(_ text: String = "My catalogue, with tests.") throws -> CheckpointAnswer {
        try CheckpointAnswer(text: text, link: "https://git.example.com/ada/catalogue")
    }

    @Test func versionsAreKeptAndOneWaitsAtATime() async throws {
        let ada = try await user("ada@example.com", "Ada Lovelace")
        let maya = try await user("maya@example.com", "Maya Okafor")
        let (_, _, checkpoint) = try await lessons()
        #expect(try await store.addInstructor(courseSlug: "flask-certificate", email: "maya@example.com"))
        let first = try await store.submit(userID: ada.id, lessonID: checkpoint.id, answer: try answer())
        #expect(first.version == 1)
        await #expect(throws: CheckpointRefusal.awaitingReview) {
            try await self.store.submit(userID: ada.id, lessonID: checkpoint.id, answer: try self.answer())
        }
        await #expect(throws: CheckpointRefusal.feedbackNeeded) {
            try await self.store.review(id: first.id, reviewerID: maya.id, decision: .return(feedback: ""))
        }
        _ = try await store.review(id: first.id, reviewerID: maya.id, decision: .return(feedback: "Add a test for the 404."))
        let second = try await store.submit(userID: ada.id, lessonID: checkpoint.id, answer: try answer("Now with the 404 test."))
        #expect(second.version == 2)
        let history = try await store.submissions(userID: ada.id, lessonID: checkpoint.id)
        #expect(history.map(\.version) == [2, 1])
        #expect(history[1].status == .returned)
        #expect(history[1].feedback == "Add a test for the 404.")
        #expect(history[1].reviewerName == "Maya Okafor")
        _ = try await store.review(id: second.id, reviewerID: maya.id, decision: .approve(feedback: nil))
        await #expect(throws: CheckpointRefusal.alreadyApproved) {
            try await self.store.submit(userID: ada.id, lessonID: checkpoint.id, answer: try self.answer())
        }
        await #expect(throws: CheckpointRefusal.alreadyReviewed) {
            try await self.store.review(id: second.id, reviewerID: maya.id, decision: .approve(feedback: nil))
        }
    }

    @Test func onlyTheCoursesInstructorsReviewAndNeverTheirOwnWork() async throws {
        let ada = try await user("ada@example.com", "Ada Lovelace")
        let maya = try await user("maya@example.com", "Maya Okafor")
        let stranger = try await user("stranger@example.com", "Someone Else")
        let (_, _, checkpoint) = try await lessons()
        _ = try await store.addInstructor(courseSlug: "flask-certificate", email: "maya@example.com")
        let work = try await store.submit(userID: ada.id, lessonID: checkpoint.id, answer: try answer())
        await #expect(throws: CheckpointRefusal.notAnInstructor) {
            try await self.store.review(id: work.id, reviewerID: stranger.id, decision: .approve(feedback: nil))
        }
        await #expect(throws: CheckpointRefusal.notAnInstructor) {
            try await self.store.review(id: work.id, reviewerID: ada.id, decision: .approve(feedback: nil))
        }
        #expect(try await store.queue(reviewerID: stranger.id).isEmpty)
        #expect(try await store.item(id: work.id, reviewerID: stranger.id) == nil)
        // An instructor who is also a learner of the course cannot approve their own submission.
        let own = try await store.submit(userID: maya.id, lessonID: checkpoint.id, answer: try answer())
        await #expect(throws: CheckpointRefusal.ownSubmission) {
            try await self.store.review(id: own.id, reviewerID: maya.id, decision: .approve(feedback: nil))
        }
        let queue = try await store.queue(reviewerID: maya.id)
        #expect(queue.map(\.submission.id) == [work.id, own.id])
        #expect(queue[0].learnerName == "Ada Lovelace")
        #expect(queue[0].briefHTML.contains("Build it and send a link."))
        #expect(try await store.removeInstructor(courseSlug: "flask-certificate", email: "maya@example.com"))
        #expect(try await store.queue(reviewerID: maya.id).isEmpty)
    }

    /// Ada enrolled in the course Maya teaches.
    func adaInMayasCourse() async throws -> (
        ada: User, maya: User, course: CourseDetail, first: LessonSummary, checkpoint: LessonSummary, enrolments: EnrolmentStore
    ) {
        let ada = try await user("ada@example.com", "Ada Lovelace")
        let maya = try await user("maya@example.com", "Maya Okafor")
        let (course, first, checkpoint) = try await lessons()
        let enrolments = database.enrolments
        _ = try await enrolments.enrol(userID: ada.id, courseID: course.id)
        _ = try await store.addInstructor(courseSlug: "flask-certificate", email: "maya@example.com")
        return (ada, maya, course, first, checkpoint, enrolments)
    }

    @Test func anApprovalCompletesTheCheckpointAndIssuesTheCertificateWhenItIsTheLast() async throws {
        let (ada, maya, course, first, checkpoint, enrolments) = try await adaInMayasCourse()
        try await enrolments.complete(userID: ada.id, courseID: course.id, lessonID: first.id, learnerName: ada.name)
        await #expect(throws: LessonCompletionRefusal.checkpointNeedsApproval) {
            try await enrolments.complete(userID: ada.id, courseID: course.id, lessonID: checkpoint.id, learnerName: ada.name)
        }
        let work = try await store.submit(userID: ada.id, lessonID: checkpoint.id, answer: try answer())
        #expect(try await enrolments.certificates(of: ada.id).isEmpty)
        let reviewed = try await store.review(id: work.id, reviewerID: maya.id, decision: .approve(feedback: "Clean work."))
        let code = try #require(reviewed.certificateCode)
        #expect(try await enrolments.certificates(of: ada.id).map(\.code) == [code])
        #expect(try await enrolments.progress(userID: ada.id, courseID: course.id).isComplete)
        // The certificate says what was assessed, and of which version of the course.
        let assessment = try #require(try await enrolments.certificate(code: code)?.assessment)
        #expect(assessment.lessonsCompleted == 2 && assessment.quizzesPassed == 0 && assessment.checkpointsApproved == 1)
        #expect(assessment.sentence == "2 lessons completed; 1 checkpoint approved by an instructor.")
        #expect(assessment.courseVersion.wholeMatch(of: /\d{4}-\d{2}-\d{2}\.[0-9a-f]{7}/) != nil)
    }

    @Test func aReissuedCertificateReplacesTheOldOneUnderANewCode() async throws {
        let (ada, maya, course, first, checkpoint, enrolments) = try await adaInMayasCourse()
        try await enrolments.complete(userID: ada.id, courseID: course.id, lessonID: first.id, learnerName: ada.name)
        let work = try await store.submit(userID: ada.id, lessonID: checkpoint.id, answer: try answer())
        let old = try #require(try await store.review(id: work.id, reviewerID: maya.id, decision: .approve(feedback: "")).certificateCode)

        let new = try await enrolments.reissue(code: old, name: "Ada King")
        #expect(new.code != old && new.learnerName == "Ada King" && new.replacedBy == nil)
        let replaced = try #require(try await enrolments.certificate(code: old))
        #expect(replaced.replacedBy == new.code && replaced.learnerName == "Ada Lovelace")
        #expect(new.assessment == replaced.assessment && new.completedAt == replaced.completedAt)
        #expect(try await enrolments.certificates(of: ada.id).map(\.code) == [new.code])
        await #expect(throws: CertificateReissueError.alreadyReplaced(by: new.code)) { try await enrolments.reissue(code: old, name: nil) }
        await #expect(throws: CertificateReissueError.unknownCode("NOPE")) { try await enrolments.reissue(code: "NOPE", name: nil) }
        // Without --name the learner's account name now is used; completing again finds the current certificate.
        #expect(try await enrolments.reissue(code: new.code, name: nil).learnerName == "Ada Lovelace")
        #expect(try await enrolments.certificates(of: ada.id).count == 1)
    }

    @Test func unknownNamesAreClearErrors() async throws {
        _ = try await user("maya@example.com", "Maya Okafor")
        await #expect(throws: CheckpointStoreError.noSuchCourse("nope")) {
            try await self.store.addInstructor(courseSlug: "nope", email: "maya@example.com")
        }
        await #expect(throws: CheckpointStoreError.noSuchUser("who@example.com")) {
            try await self.store.addInstructor(courseSlug: "flask-certificate", email: "who@example.com")
        }
    }

    @Test(arguments: [
        ("", "", "text"), (String(repeating: "x", count: 20_001), "", "text"), ("ok", "javascript:alert(1)", "link"),
        ("ok", "ftp://example.com/x", "link"), ("ok", "https://", "link"), ("ok", "https://exa mple.com", "link"),
    ])
    func aSubmissionNeedsTextAndAtMostAWebLink(text: String, link: String, field: String) throws {
        #expect(throws: CheckpointAnswer.Problems.self) { try CheckpointAnswer(text: text, link: link) }
        do {
            _ = try CheckpointAnswer(text: text, link: link)
        } catch {
            #expect(error.fields[field] != nil)
        }
        #expect(try CheckpointAnswer(text: " work ", link: " https://github.com/ada/x ").link == "https://github.com/ada/x")
    }
}
