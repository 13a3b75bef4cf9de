import Foundation
import LecternCore
import LecternServices
import LecternStore
import LecternTestSupport
import Testing

/// The time an answered knowledge check gives is the time stored, to the second, whatever the clock's fraction.
@Suite final class QuizTimeTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try site.writeCourse("flask-certificate")
        try site.writeFile(
            "courses/flask-certificate/lessons/02-routing.md", "---\ntitle: \"Routing\"\nmodule: Foundations\n---\nRules.\n\n\(KnowledgeCheckTests.quiz)\n")
    }

    deinit { site.delete() }

    @Test func anAttemptAnsweredAtASecondsEndGivesTheTimeAsStored() async throws {
        let database = try await site.openDatabase()
        _ = try await database.content.sync(from: ContentLoader(root: site.content))
        let ada = try await database.users.create(email: try EmailAddress("ada@example.com"), name: "Ada", passwordHash: "x", verified: true)
        let course = try #require(try await database.courses.course(slug: "flask-certificate"))
        _ = try await database.enrolments.enrol(userID: ada.id, courseID: course.id)
        // 0.2 ms before a second ends: stored with milliseconds, that is the next second.
        let edge = Date(timeIntervalSince1970: (Date().timeIntervalSince1970.rounded(.down)) + 0.9998)
        let learning = Learning(database: database, catalogue: Catalogue(database: database), now: { edge })
        let answers: QuizAnswers = ["converter": ["a"], "methods": ["get", "post"], "variable": ["flask_debug"], "port": ["5000"], "status": ["308"]]
        let submission = try await learning.answerQuiz(answers, lesson: "routing", of: "flask-certificate", by: ada)
        let stored = try #require(try await database.quizzes.attempt(id: submission.attemptID, userID: ada.id))
        #expect(submission.createdAt == stored.createdAt)
        #expect(Int(submission.createdAt.timeIntervalSince1970) == Int(stored.createdAt.timeIntervalSince1970))
    }
}
