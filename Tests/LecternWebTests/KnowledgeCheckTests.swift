import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternTestSupport
import Testing

@testable import LecternWeb

/// Knowledge checks in lessons: graded on the server, a pass completes the lesson, and nothing else does.
@Suite final class KnowledgeCheckTests {
    let site: TestSite
    static let course = "flask-certificate"
    static let quizLesson = "/courses/flask-certificate/lessons/routing"

    static let quiz = """
        ```quiz
        questions:
          - id: converter
            type: single
            prompt: "What does `/courses/two` give?"
            options:
              - id: a
                text: "A 404"
                correct: true
                explanation: "The converter does not match, so no rule does."
              - id: b
                text: "A 500"
                explanation: "The view never runs."
          - id: methods
            type: multiple
            prompt: "Which are HTTP methods?"
            options:
              - id: get
                text: "GET"
                correct: true
              - id: post
                text: "POST"
                correct: true
              - id: fetch
                text: "FETCH"
          - id: variable
            type: text
            prompt: "Which variable turns debug mode on?"
            answers: ["FLASK_DEBUG"]
          - id: port
            type: number
            prompt: "Default port of `flask run`?"
            answer: 5000
            explanation: "Flask's development server listens on 5000."
          - id: status
            type: number
            prompt: "Status code of a permanent redirect added by Flask for a missing slash?"
            answer: 308
        ```
        """

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        try site.writeLesson(Self.course, "01-first-app")
        try site.writeFile(
            "courses/\(Self.course)/lessons/02-routing.md",
            "---\ntitle: \"Routing\"\nmodule: Foundations\n---\nRules and converters.\n\n\(Self.quiz)\n")
        try site.writeFile(
            "courses/\(Self.course)/lessons/03-checkpoint.md",
            "---\ntitle: \"Checkpoint\"\nmodule: Data\nkind: checkpoint\n---\nBuild the catalogue and send a link to it.\n")
    }

    deinit { site.delete() }

    static let allRight: [(String, String)] = [
        ("q.converter", "a"), ("q.methods", "get"), ("q.methods", "post"), ("q.variable", " flask_debug "), ("q.port", "5,000"), ("q.status", "308"),
    ]

    /// A signed-in learner enrolled in the course.
    static func learner(_ client: some TestClientProtocol, _ email: String = "ada@example.com") async throws -> Browser {
        var browser = Browser()
        _ = try await browser.register(client, email: email)
        _ = try await browser.login(client, email: email)
        _ = try await browser.submit(client, form: "/courses/\(Self.course)", to: "/courses/\(Self.course)/enrol", [])
        return browser
    }

    static func answer(_ browser: inout Browser, _ client: some TestClientProtocol, _ fields: [(String, String)], lesson: String = quizLesson)
        async throws -> Browser.Page
    {
        try await browser.submit(client, form: lesson, to: "\(lesson)/quiz", fields)
    }

    @Test func theFormNeverHoldsTheRightAnswers() async throws {
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client)
            let page = try await ada.get(client, Self.quizLesson)
            #expect(page.status == .ok)
            #expect(page.body.contains("Knowledge check"))
            #expect(page.body.contains("What does <code>/courses/two</code> give?"))
            #expect(page.body.contains(#"type="radio" id="q-converter-a" name="q.converter" value="a""#))
            #expect(page.body.contains(#"type="checkbox" id="q-methods-fetch" name="q.methods" value="fetch""#))
            for secret in ["correct", "The converter does not match", "listens on 5000", "FLASK_DEBUG", "5000", "308"] {
                #expect(!page.body.contains(secret), "the page gives away \(secret)")
            }
            #expect(!page.body.contains("Mark as complete"))
        }
    }

    @Test func aFailedAttemptIsRecordedAndShowsWhatWasWrongButNotTheAnswers() async throws {
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client)
            var wrong = Self.allRight
            wrong[0] = ("q.converter", "b")
            wrong[5] = ("q.status", "301")
            let sent = try await Self.answer(&ada, client, wrong)
            #expect(sent.status == .seeOther)
            let location = try #require(sent.location)
            #expect(location.hasPrefix("\(Self.quizLesson)/quiz/attempts/"))
            let result = try await ada.get(client, location)
            #expect(result.status == .ok)
            #expect(result.body.contains("Not passed yet: 60%"))
            #expect(result.body.contains("3 of 5 right; 80% passes"))
            #expect(result.body.contains("The view never runs."))  // the explanation of the option chosen
            // Several options chosen are listed, not run together.
            #expect(result.body.contains("Your answers:"))
            #expect(result.body.contains(#"<ul class="quiz-answers"><li>GET</li><li>POST</li></ul>"#))
            #expect(!result.body.contains("Right answer:"))
            #expect(result.body.contains("Try again"))
            let lesson = try await ada.get(client, Self.quizLesson)
            #expect(lesson.body.contains("Your best score so far is 60%"))
            #expect(!lesson.body.contains("You completed this lesson"))
        }
    }

    @Test func aPassCompletesTheLessonAndShowsTheAnswersAndTheWayOn() async throws {
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client)
            var oneWrong = Self.allRight
            oneWrong[5] = ("q.status", "301")
            let sent = try await Self.answer(&ada, client, oneWrong)
            let result = try await ada.get(client, try #require(sent.location))
            #expect(result.body.contains("Passed: 80%"))
            // Once passed, the right answer is shown where the learner was wrong (and only there).
            #expect(result.body.components(separatedBy: "Right answer:").count == 2)
            #expect(result.body.contains("Right answer:</span> 308"))
            #expect(result.body.contains("Continue to the next lesson: Checkpoint"))
            let lesson = try await ada.get(client, Self.quizLesson)
            #expect(lesson.body.contains("You completed this lesson"))
            #expect(lesson.body.contains("You passed this knowledge check (best score 80%)"))
        }
    }

    @Test func incompleteAnswersComeBackWithWhatWasChosenAndNothingIsRecorded() async throws {
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client)
            let page = try await Self.answer(&ada, client, [("q.converter", "b"), ("q.variable", "FLASK_ENV")])
            #expect(page.status == .unprocessableContent)
            #expect(page.body.contains("Answer every question before checking: 3 need an answer."))
            #expect(page.body.contains(#"value="b" checked"#))
            #expect(page.body.contains(#"value="FLASK_ENV""#))
            #expect(page.body.contains("Choose at least one answer."))
            #expect(!(try await ada.get(client, Self.quizLesson)).body.contains("best score"))
        }
    }

    @Test func answersLargerThanAnyKnowledgeCheckAreRefusedAndNothingIsRecorded() async throws {
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client)
            let tooMany = Self.allRight + (0..<100).map { ("q.extra\($0)", "x") }
            #expect(try await Self.answer(&ada, client, tooMany).status == .unprocessableContent)
            let tooLong = Self.allRight + [("q.variable", String(repeating: "x", count: 501))]
            let refused = try await Self.answer(&ada, client, tooLong)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("larger than any knowledge check"))
            let lesson = try await ada.get(client, Self.quizLesson)
            #expect(!lesson.body.contains("Not passed yet") && !lesson.body.contains("attempts/"), "no attempt was recorded")
        }
    }

    @Test func theCompleteButtonsCannotStandInForAQuizOrAnInstructor() async throws {
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client)
            let quiz = try await ada.submit(client, form: Self.quizLesson, to: "\(Self.quizLesson)/complete", [])
            #expect(quiz.status == .conflict)
            #expect(quiz.body.contains("pass it to complete the lesson"))
            let checkpoint = "/courses/\(Self.course)/lessons/checkpoint"
            let approval = try await ada.submit(client, form: checkpoint, to: "\(checkpoint)/complete", [])
            #expect(approval.status == .conflict)
            #expect(approval.body.contains("an instructor approves"))
            let lesson = try await ada.get(client, Self.quizLesson)
            #expect(!lesson.body.contains("You completed this lesson"))
        }
    }

    @Test func answersToAnotherLessonsQuizDoNotPassThisOne() async throws {
        try site.writeFile(
            "courses/\(Self.course)/lessons/04-other.md",
            "---\ntitle: \"Other\"\nmodule: Data\n---\nText.\n\n```quiz\nquestions:\n  - id: other\n    type: text\n    prompt: \"Q\"\n    answers: [\"x\"]\n```\n")
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client)
            let page = try await Self.answer(&ada, client, Self.allRight, lesson: "/courses/\(Self.course)/lessons/other")
            #expect(page.status == .unprocessableContent)
            let lesson = try await ada.get(client, "/courses/\(Self.course)/lessons/other")
            #expect(!lesson.body.contains("You completed this lesson"))
        }
    }

    @Test func attemptsArePrivateAndNeedAnEnrolment() async throws {
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client)
            let location = try #require(try await Self.answer(&ada, client, Self.allRight).location)
            var grace = try await Self.learner(client, "grace@example.com")
            #expect(try await grace.get(client, location).status == .notFound)
            var visitor = Browser()
            _ = try await visitor.register(client, email: "visitor@example.com")
            _ = try await visitor.login(client, email: "visitor@example.com")
            let refused = try await visitor.post(client, "\(Self.quizLesson)/quiz", [("_csrf", try await visitor.get(client, "/account").csrf ?? "")] + Self.allRight)
            #expect(refused.status == .forbidden)
        }
    }

    @Test func theCoursesPauseBetweenAttemptsIsKept() async throws {
        try site.writeFile(
            "courses/\(Self.course)/course.md",
            try String(contentsOf: site.content.appendingPathComponent("courses/\(Self.course)/course.md"), encoding: .utf8)
                .replacingOccurrences(of: "featured: true", with: "featured: true\nquiz_retry_minutes: 60"))
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client)
            var wrong = Self.allRight
            wrong[0] = ("q.converter", "b")
            wrong[5] = ("q.status", "301")
            let first = try await Self.answer(&ada, client, wrong)
            #expect(first.status == .seeOther)
            let result = try await ada.get(client, try #require(first.location))
            #expect(result.body.contains("You can try again from"))
            #expect(!result.body.contains("Try again</a>"))
            let lesson = try await ada.get(client, Self.quizLesson)
            #expect(lesson.body.contains("The course asks for a pause between attempts."))
            let second = try await ada.post(client, "\(Self.quizLesson)/quiz", [("_csrf", lesson.csrf ?? "")] + Self.allRight)
            #expect(second.status == .tooManyRequests)
        }
    }

    @Test func passingEveryQuizAndLessonIssuesTheCertificate() async throws {
        let site = self.site
        try site.remove("courses/\(Self.course)/lessons/03-checkpoint.md")
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client)
            _ = try await ada.verifyEmail(client, site: site, email: "ada@example.com")
            _ = try await ada.submit(
                client, form: "/courses/\(Self.course)/lessons/first-app", to: "/courses/\(Self.course)/lessons/first-app/complete", [])
            #expect(!(try await ada.get(client, "/dashboard")).body.contains("/certificates/"))
            let result = try await ada.get(client, try #require(try await Self.answer(&ada, client, Self.allRight).location))
            #expect(result.body.contains("That completes the course: your certificate is ready."))
            let dashboard = try await ada.get(client, "/dashboard")
            let code = try #require(dashboard.body.firstMatch(of: /href="\/certificates\/([A-Z0-9-]+)"/).map { String($0.1) })
            let certificate = try await client.get("/certificates/\(code)")
            #expect(certificate.body.contains("Assessed: 2 lessons completed; 1 knowledge check passed, average 100%."))
            #expect(certificate.body.contains("Course version 20"))
            let json = try await client.get("/certificates/\(code).json")
            let facts = try #require(try JSONSerialization.jsonObject(with: Data(json.body.utf8)) as? [String: Any])
            let assessed = try #require(facts["assessed"] as? [String: Any])
            #expect(assessed["knowledge_checks_passed"] as? Int == 1 && assessed["knowledge_check_average_percent"] as? Int == 100)
            #expect((facts["course_version"] as? String)?.isEmpty == false)
        }
    }
}
