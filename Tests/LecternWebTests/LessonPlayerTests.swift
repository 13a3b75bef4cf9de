import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import LecternStore
import LecternTestSupport
import Testing

@testable import LecternWeb

/// The lesson player: a syllabus with each lesson's state, "Complete and continue", the learner's place, free
/// previews and a release schedule whose locked lessons stay on the server.
@Suite final class LessonPlayerTests {
    let site: TestSite
    static let course = "/courses/paced"

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        try FileManager.default.createDirectory(at: site.content.appendingPathComponent("courses/paced/lessons"), withIntermediateDirectories: true)
        try site.writeFile(
            "courses/paced/course.md",
            """
            ---
            title: "Paced Course"
            price: "£100"
            modules:
              - Basics
              - title: Later
                opens_after_days: 7
            ---
            A course that keeps a pace.

            """)
        try site.writeFile("courses/paced/lessons/01-intro.md", "---\ntitle: \"Intro\"\nmodule: Basics\npreview: true\nexercise_minutes: 30\n---\nThe intro text.\n")
        try site.writeFile("courses/paced/lessons/02-setup.md", "---\ntitle: \"Set-up\"\nmodule: Basics\n---\nThe set-up text.\n")
        try site.writeFile("courses/paced/lessons/03-later.md", "---\ntitle: \"Later on\"\nmodule: Later\n---\nThe secret later text.\n")
        try site.writeFile(
            "courses/paced/lessons/04-taster.md", "---\ntitle: \"A taster\"\nmodule: Later\npreview: true\noptional: true\n---\nThe taster text.\n")
    }

    deinit { site.delete() }

    static func learner(_ client: some TestClientProtocol) async throws -> Browser {
        var browser = Browser()
        _ = try await browser.register(client, name: "Ada Lovelace", email: "ada@example.com")
        _ = try await browser.login(client, email: "ada@example.com")
        _ = try await browser.submit(client, form: course, to: "\(course)/enrol", [])
        return browser
    }

    @Test func aPreviewLessonIsReadableByAnyoneWithTheCoursesCallToAction() async throws {
        try await makeApp(site).test(.router) { client in
            let preview = try await client.get("\(Self.course)/lessons/intro")
            #expect(preview.status == .ok)
            #expect(preview.body.contains("The intro text."))
            #expect(preview.body.contains("A free preview of Paced Course"))
            #expect(preview.body.contains("Enrol now"))
            #expect(preview.body.contains("4 lessons</p>") && !preview.body.contains("lessons done"))
            #expect(!preview.body.contains("/complete\""))
            let closed = try await client.get("\(Self.course)/lessons/setup")
            #expect(closed.status == .forbidden)
            #expect(!closed.body.contains("The set-up text."))
            let coursePage = try await client.get(Self.course)
            #expect(coursePage.body.contains("Free preview"))
            #expect(coursePage.body.contains(#"href="/courses/paced/lessons/intro""#))
            #expect(coursePage.body.contains("Opens 7 days after you enrol"))
            #expect(coursePage.body.contains("4 lessons, about 34 minutes of study: 4 minutes of reading and 30 minutes of exercises and checkpoints"))
        }
    }

    @Test func completeAndContinueGoesOnAndTheDashboardContinuesWhereTheLearnerWas() async throws {
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client)
            let intro = try await ada.get(client, "\(Self.course)/lessons/intro")
            #expect(intro.body.contains("Complete and continue"))
            #expect(intro.body.contains(#"<a href="/courses/paced/lessons/intro" aria-current="page">Intro</a>"#))
            #expect(intro.body.contains("(current lesson)") && intro.body.contains("(not started)"))
            let done = try await ada.post(client, "\(Self.course)/lessons/intro/complete", [("_csrf", intro.csrf ?? "")])
            #expect(done.location == "\(Self.course)/lessons/setup")
            let setup = try await ada.get(client, try #require(done.location))
            #expect(setup.body.contains("Previous lesson complete. On to this one."))
            #expect(setup.body.contains("player-lesson is-done"))
            #expect(setup.body.contains("1 of 4 lessons done"))
            // The last open lesson: the next one is locked, so completing it stays here.
            #expect(setup.body.contains("Complete the lesson"))
            #expect(!setup.body.contains(#"rel="next""#))

            var dashboard = try await ada.get(client, "/dashboard")
            #expect(dashboard.body.contains(#"<a class="button button-primary" href="/courses/paced/lessons/setup">Continue"#))
            _ = try await ada.get(client, "\(Self.course)/lessons/intro")
            dashboard = try await ada.get(client, "/dashboard")
            #expect(dashboard.body.contains(#"href="/courses/paced/lessons/intro">Continue"#))
            #expect(dashboard.body.contains(#"Next to do: <a href="/courses/paced/lessons/setup">"#))
        }
    }

    @Test func aLockedModuleKeepsItsLessonsOnTheServerUntilItOpens() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client)
            let locked = try await ada.get(client, "\(Self.course)/lessons/later")
            #expect(locked.status == .forbidden)
            #expect(locked.body.contains("This lesson opens on"))
            #expect(!locked.body.contains("The secret later text."))
            #expect(locked.body.contains("player-lesson is-current is-locked"))
            let refused = try await ada.post(client, "\(Self.course)/lessons/later/complete", [("_csrf", locked.csrf ?? "")])
            #expect(refused.status == .forbidden)
            #expect(refused.body.contains("This lesson opens on"))
            let syllabus = try await ada.get(client, "\(Self.course)/lessons/intro")
            #expect(syllabus.body.contains("Opens on "))
            #expect(!syllabus.body.contains(#"href="/courses/paced/lessons/later""#))
            // A free preview is open to everyone, in a locked module too.
            #expect(syllabus.body.contains(#"href="/courses/paced/lessons/taster""#))
            let taster = try await ada.get(client, "\(Self.course)/lessons/taster")
            #expect(taster.status == .ok && taster.body.contains("The taster text."))

            // A week later the module is open.
            let database = try await site.openDatabase()
            try await database.raw.execute(
                raw: "UPDATE enrolment SET enrolled_at = '\(LecternDatabase.storedText(milliseconds: Int64(Date().addingTimeInterval(-8 * 86_400).timeIntervalSince1970 * 1000)))'")
            let open = try await ada.get(client, "\(Self.course)/lessons/later")
            #expect(open.status == .ok)
            #expect(open.body.contains("The secret later text."))
            let completed = try await ada.post(client, "\(Self.course)/lessons/later/complete", [("_csrf", open.csrf ?? "")])
            #expect(completed.status == .seeOther)
        }
    }

    @Test func undoingALessonOfACertifiedCourseIsRefusedSoEveryPageAgrees() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client)
            let database = try await site.openDatabase()
            try await database.raw.execute(
                raw: "UPDATE enrolment SET enrolled_at = '\(LecternDatabase.storedText(milliseconds: Int64(Date().addingTimeInterval(-8 * 86_400).timeIntervalSince1970 * 1000)))'")
            _ = try await ada.verifyEmail(client, site: site, email: "ada@example.com")
            for slug in ["intro", "setup", "later"] {
                let page = try await ada.get(client, "\(Self.course)/lessons/\(slug)")
                _ = try await ada.post(client, "\(Self.course)/lessons/\(slug)/complete", [("_csrf", page.csrf ?? "")])
            }
            let page = try await ada.get(client, "\(Self.course)/lessons/setup")
            #expect(page.body.contains("View your certificate"))
            #expect(!page.body.contains("Mark as not complete"))
            let undo = try await ada.post(client, "\(Self.course)/lessons/setup/undo", [("_csrf", page.csrf ?? "")])
            #expect(undo.status == .conflict)
            #expect(undo.body.contains("the lessons it certifies stay complete"))
            let dashboard = try await ada.get(client, "/dashboard")
            #expect(dashboard.body.contains("Course completed and certified: 3 of 3 required lessons done."))
            #expect(dashboard.body.contains("Certified on"))
        }
    }
}
