import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import Testing

@testable import LecternWeb

/// Checkpoints on the web: a learner sends work, an instructor of the course reviews it in /review, and only an
/// approval completes the checkpoint.
@Suite final class CheckpointReviewTests {
    let site: TestSite
    static let course = "flask-certificate"
    static let checkpoint = "/courses/flask-certificate/lessons/checkpoint"

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        try site.writeLesson(Self.course, "01-first-app")
        try site.writeFile(
            "courses/\(Self.course)/lessons/02-checkpoint.md",
            "---\ntitle: \"Checkpoint\"\nmodule: Data\nkind: checkpoint\n---\nBuild the catalogue and send a link to it.\n")
    }

    deinit { site.delete() }

    static func learner(_ client: some TestClientProtocol, _ email: String, _ name: String) async throws -> Browser {
        var browser = Browser()
        browser.userAgent = "Mozilla/5.0 (\(email)) Firefox/130.0"
        _ = try await browser.register(client, name: name, email: email)
        _ = try await browser.login(client, email: email)
        _ = try await browser.submit(client, form: "/courses/\(course)", to: "/courses/\(course)/enrol", [])
        return browser
    }

    /// Makes `email` an instructor of the course, as `lectern course instructors add` does.
    static func makeInstructor(_ email: String, in site: TestSite) async throws {
        let database = try await site.openDatabase()
        _ = try await database.checkpoints.addInstructor(courseSlug: Self.course, email: email)
    }

    @Test func aLearnerSendsWorkAnInstructorReturnsItThenApprovesTheNewVersion() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client, "ada@example.com", "Ada Lovelace")
            var maya = try await Self.learner(client, "maya@example.com", "Maya Okafor")
            try await Self.makeInstructor("maya@example.com", in: site)

            let page = try await ada.get(client, Self.checkpoint)
            #expect(page.body.contains("Build the catalogue and send a link to it."))
            #expect(page.body.contains("Send for review"))
            let empty = try await ada.post(client, "\(Self.checkpoint)/submissions", [("_csrf", page.csrf ?? ""), ("text", " "), ("link", "javascript:alert(1)")])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.body.contains("Write what you did"))
            #expect(empty.body.contains("Give a full web address"))
            #expect(empty.body.contains(#"value="javascript:alert(1)""#))  // kept, escaped, never a link
            #expect(!empty.body.contains(#"href="javascript"#))

            let sent = try await ada.post(
                client, "\(Self.checkpoint)/submissions",
                [("_csrf", page.csrf ?? ""), ("text", "My catalogue <b>with</b> tests."), ("link", "https://git.example.com/ada/catalogue")])
            #expect(sent.status == .seeOther)
            let waiting = try await ada.get(client, Self.checkpoint)
            #expect(waiting.body.contains("an instructor will review it"))
            #expect(!waiting.body.contains("Send for review"))
            #expect(waiting.body.contains("My catalogue &lt;b&gt;with&lt;/b&gt; tests."))
            #expect(waiting.body.contains(#"<a href="https://git.example.com/ada/catalogue" rel="nofollow ugc noopener">"#))

            // Ada cannot reach the queue; Maya sees the submission there.
            #expect(try await ada.get(client, "/review").status == .forbidden)
            let queue = try await maya.get(client, "/review")
            #expect(queue.status == .ok)
            #expect(queue.body.contains("Ada Lovelace: Checkpoint"))
            let itemURL = try #require(queue.body.firstMatch(of: /href="(\/review\/\d+)"/).map { String($0.1) })
            let item = try await maya.get(client, itemURL)
            #expect(item.body.contains("Build the catalogue and send a link to it."))
            let noFeedback = try await maya.post(client, itemURL, [("_csrf", item.csrf ?? ""), ("decision", "return"), ("feedback", "")])
            #expect(noFeedback.status == .unprocessableContent)
            #expect(noFeedback.body.contains("returned work needs feedback"))
            let returned = try await maya.post(
                client, itemURL, [("_csrf", item.csrf ?? ""), ("decision", "return"), ("feedback", "Add a test for the 404 page.")])
            #expect(returned.status == .seeOther)

            let back = try await ada.get(client, Self.checkpoint)
            #expect(back.body.contains("Returned by Maya Okafor with feedback"))
            #expect(back.body.contains("Add a test for the 404 page."))
            #expect(back.body.contains("Send for review"))
            _ = try await ada.post(client, "\(Self.checkpoint)/submissions", [("_csrf", back.csrf ?? ""), ("text", "Now with the 404 test."), ("link", "")])

            let second = try await maya.get(client, "/review")
            #expect(second.body.contains("version 2, after feedback"))
            let secondURL = try #require(second.body.firstMatch(of: /href="(\/review\/\d+)"/).map { String($0.1) })
            #expect(secondURL != itemURL)
            let approved = try await maya.post(client, secondURL, [("_csrf", item.csrf ?? ""), ("decision", "approve"), ("feedback", "Clean work.")])
            #expect(approved.status == .seeOther)
            let done = try await ada.get(client, Self.checkpoint)
            #expect(done.body.contains("Approved by Maya Okafor"))
            #expect(done.body.contains("You completed this lesson"))
            #expect(try await maya.get(client, "/review").body.contains("Nothing is waiting for review."))
        }
    }

    @Test func aLearnerCannotApproveTheirOwnWorkNorSeeAnotherCoursesQueue() async throws {
        try site.writeCourse("docker", title: "Docker", featured: false)
        try site.writeFile(
            "courses/docker/lessons/01-checkpoint.md", "---\ntitle: \"Docker checkpoint\"\nmodule: Foundations\nkind: checkpoint\n---\nShip it.\n")
        let site = self.site
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client, "ada@example.com", "Ada Lovelace")
            var tomas = try await Self.learner(client, "tomas@example.com", "Tomás Lindqvist")
            let page = try await ada.get(client, Self.checkpoint)
            _ = try await ada.post(client, "\(Self.checkpoint)/submissions", [("_csrf", page.csrf ?? ""), ("text", "Done."), ("link", "")])
            // Tomás teaches Docker only: Ada's Flask submission is not his to see or decide.
            let database = try await site.openDatabase()
            _ = try await database.checkpoints.addInstructor(courseSlug: "docker", email: "tomas@example.com")
            let queue = try await tomas.get(client, "/review")
            #expect(queue.body.contains("Nothing is waiting for review."))
            for id in 1...3 {
                #expect(try await tomas.get(client, "/review/\(id)").status == .notFound)
                let decided = try await tomas.post(client, "/review/\(id)", [("_csrf", queue.csrf ?? ""), ("decision", "approve"), ("feedback", "")])
                #expect([.forbidden, .notFound].contains(decided.status), "\(decided.status)")
            }
            // The complete button cannot stand in for an approval either.
            let complete = try await ada.post(client, "\(Self.checkpoint)/complete", [("_csrf", page.csrf ?? "")])
            #expect(complete.status == .conflict)
            #expect(!(try await ada.get(client, Self.checkpoint)).body.contains("You completed this lesson"))
        }
    }

    @Test func onlyInstructorsSeeTheReviewLinkEvenOnPagesSharedByEveryReader() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client, "ada@example.com", "Ada Lovelace")
            var maya = try await Self.learner(client, "maya@example.com", "Maya Okafor")
            try await Self.makeInstructor("maya@example.com", in: site)
            // The signed-in post page is one skeleton for many readers: read by the learner first, then the instructor.
            for path in ["/blog/post-04", "/blog/post-04", "/dashboard", "/courses/\(Self.course)"] {
                #expect(!(try await ada.get(client, path)).body.contains(#"href="/review""#), "\(path)")
                #expect((try await maya.get(client, path)).body.contains(#"href="/review""#), "\(path)")
            }
            #expect((try await maya.get(client, "/review")).body.contains(#"href="/review" aria-current="page""#))
        }
    }
}
