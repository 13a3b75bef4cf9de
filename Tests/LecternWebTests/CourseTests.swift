import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import LecternWeb
import Testing

@Suite final class CourseTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        try site.writeCourse("flask-certificate", capacity: 40)
        try site.writeLesson("flask-certificate", "01-first-app", title: "Your first Flask application")
        try site.writeLesson("flask-certificate", "02-routing", title: "Routing and views", module: "Data")
        try site.writeLesson("flask-certificate", "03-extras", title: "Extra reading", optional: true)
        try site.writeCourse("tiny", title: "Tiny Course", featured: false, capacity: 1)
        try site.writeLesson("tiny", "01-only", title: "The only lesson")
    }

    deinit { site.delete() }

    /// Registers, logs in and enrols a browser in `course`.
    static func enrolled(_ client: some TestClientProtocol, email: String, course: String = "flask-certificate") async throws -> Browser {
        var browser = Browser()
        _ = try await browser.register(client, email: email)
        _ = try await browser.login(client, email: email)
        let page = try await browser.get(client, "/courses/\(course)")
        let enrolled = try await browser.post(client, "/courses/\(course)/enrol", [("_csrf", page.csrf ?? "")])
        #expect(enrolled.location == "/courses/\(course)")
        return browser
    }

    @Test func theCatalogueListsEveryCourse() async throws {
        try await makeApp(site).test(.router) { client in
            let page = try await client.get("/courses")
            #expect(page.status == .ok)
            #expect(page.body.contains("href=\"/courses/flask-certificate\""))
            #expect(page.body.contains("href=\"/courses/tiny\""))
            #expect(page.body.contains("Open: 40 seats left"))
        }
    }

    @Test func theCoursePageShowsEverythingAndOneCallToAction() async throws {
        try await makeApp(site).test(.router) { client in
            let page = try await client.get("/courses/flask-certificate")
            #expect(page.status == .ok)
            let body = page.body
            #expect(body.contains("<h1 class=\"hero-title\">Flask Certificate</h1>"))
            #expect(body.contains("This course helps you to"))
            #expect(body.contains("Build real Flask applications"))
            #expect(body.contains("A deployed Flask application"))
            #expect(body.contains("Taught by Maya Okafor, Daniel Reyes"))
            #expect(body.contains("Open: 40 seats left"))
            #expect(body.contains("Module 1: Foundations"))
            #expect(body.contains("Your first Flask application"))
            #expect(body.contains("Optional"))
            #expect(body.contains("<a class=\"button button-cta\" href=\"/register?enrol=flask-certificate\">Enrol now</a>"))
            #expect(body.contains("href=\"/login?enrol=flask-certificate\">Log in</a>"))
            // The syllabus does not link anonymous visitors to lessons they cannot open.
            #expect(!body.contains("href=\"/courses/flask-certificate/lessons/"))
            let result1 = try await client.get("/courses/no-such-course")
            #expect(result1.status == .notFound)
        }
    }

    @Test func anonymousVisitorsComeBackToTheCourseAfterRegistering() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            let login = try await browser.get(client, "/login?next=/blog/post-01")
            #expect(login.body.contains("href=\"/register?next=/blog/post-01\""))
            let form = try await browser.get(client, "/register?next=/blog/post-01")
            #expect(form.body.contains("name=\"next\" value=\"/blog/post-01\""))
            let registered = try await browser.post(
                client, "/register",
                [
                    ("_csrf", form.csrf ?? ""), ("name", "Ada"), ("email", "ada@example.com"), ("password", "correct horse battery"),
                    ("password_confirmation", "correct horse battery"), ("next", "/blog/post-01"),
                ])
            #expect(registered.location == "/blog/post-01")
        }
    }

    /// "Enrol now" → create an account → the first lesson, with nothing in between.
    @Test func signingUpFromEnrolNowEnrolsAndOpensTheFirstLesson() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            let form = try await browser.get(client, "/register?enrol=flask-certificate")
            #expect(form.body.contains("and enrol in <strong>Flask Certificate</strong>"))
            #expect(form.body.contains("name=\"enrol\" value=\"flask-certificate\""))
            let registered = try await browser.submit(
                client, form: "/register?enrol=flask-certificate", to: "/register",
                [
                    ("name", "Ada"), ("email", "ada@example.com"), ("password", "correct horse battery"),
                    ("password_confirmation", "correct horse battery"), ("enrol", "flask-certificate"),
                    ("enrol_signature", form.body.firstMatch(of: /name="enrol_signature" value="([^"]+)"/).map { String($0.1) } ?? ""),
                ])
            #expect(registered.location == "/courses/flask-certificate/lessons/first-app")
            let lesson = try await browser.get(client, "/courses/flask-certificate/lessons/first-app")
            #expect(lesson.status == .ok)
            #expect(lesson.body.contains("you are enrolled: this is your first lesson"))
        }
    }

    /// The intent travels in the signed form, not in anything a link or another site can set.
    @Test func aForgedEnrolmentIntentEnrolsNobody() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            let registered = try await browser.submit(
                client, form: "/register", to: "/register",
                [
                    ("name", "Ada"), ("email", "ada@example.com"), ("password", "correct horse battery"),
                    ("password_confirmation", "correct horse battery"), ("enrol", "flask-certificate"), ("enrol_signature", "forged"),
                ])
            #expect(registered.location == "/dashboard")
            #expect(try await browser.get(client, "/dashboard").body.contains("Flask Certificate") == false)
        }
    }

    /// Logging in from "Enrol now" enrols too; a course that cannot take the learner says why on its page.
    @Test func loggingInFromEnrolNowEnrolsOrExplains() async throws {
        try await makeApp(site).test(.router) { client in
            var ada = Browser()
            _ = try await ada.register(client, email: "ada@example.com")
            _ = try await ada.post(client, "/logout", [("_csrf", try await ada.get(client, "/").csrf ?? "")])
            let form = try await ada.get(client, "/login?enrol=tiny")
            let signature = form.body.firstMatch(of: /name="enrol_signature" value="([^"]+)"/).map { String($0.1) } ?? ""
            let loggedIn = try await ada.post(
                client, "/login",
                [("_csrf", form.csrf ?? ""), ("email", "ada@example.com"), ("password", "correct horse battery"), ("enrol", "tiny"), ("enrol_signature", signature)])
            #expect(loggedIn.location == "/courses/tiny/lessons/only")
        }
    }

    @Test func enrolRequiresLogin() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            let page = try await browser.get(client, "/login")
            let refused = try await browser.post(client, "/courses/flask-certificate/enrol", [("_csrf", page.csrf ?? "")])
            #expect(refused.location == "/login?enrol=flask-certificate")
        }
    }

    @Test func enrollingShowsProgressAndOpensTheLessons() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = try await Self.enrolled(client, email: "ada@example.com")
            let page = try await browser.get(client, "/courses/flask-certificate")
            #expect(page.body.contains("You are enrolled"))
            #expect(page.body.contains("Start the first lesson"))
            #expect(page.body.contains("0 of 2 required lessons done (0%)"))
            #expect(page.body.contains("href=\"/courses/flask-certificate/lessons/first-app\""))
            #expect(page.body.contains("Leave this course"))
            let again = try await browser.post(client, "/courses/flask-certificate/enrol", [("_csrf", page.csrf ?? "")])
            #expect(again.location == "/courses/flask-certificate")
        }
    }

    @Test func lessonsAreForEnrolledLearnersAndAdmins() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            let anonymous = try await client.get("/courses/flask-certificate/lessons/first-app")
            #expect(anonymous.status == .forbidden)
            #expect(!anonymous.body.contains("The text of lesson"))
            #expect(anonymous.body.contains("Enrol now"))
            #expect(anonymous.body.contains("Module 2: Data"))

            var outsider = Browser()
            _ = try await outsider.register(client, email: "out@example.com")
            _ = try await outsider.login(client, email: "out@example.com")
            let result2 = try await outsider.get(client, "/courses/flask-certificate/lessons/first-app")
            #expect(result2.status == .forbidden)

            var learner = try await Self.enrolled(client, email: "ada@example.com")
            let lesson = try await learner.get(client, "/courses/flask-certificate/lessons/first-app")
            #expect(lesson.status == .ok)
            #expect(lesson.body.contains("The text of lesson 01-first-app"))
            #expect(lesson.body.contains("rel=\"next\" href=\"/courses/flask-certificate/lessons/routing\""))

            let database = try await site.openDatabase()
            _ = try await database.users.create(
                email: try EmailAddress("admin@example.com"), name: "Admin", passwordHash: try PasswordHash.make("correct horse battery"),
                role: .admin, verified: true)
            var admin = Browser()
            _ = try await admin.login(client, email: "admin@example.com")
            let result3 = try await admin.get(client, "/courses/flask-certificate/lessons/routing")
            #expect(result3.status == .ok)
            let result4 = try await learner.get(client, "/courses/flask-certificate/lessons/nope")
            #expect(result4.status == .notFound)
        }
    }

    @Test func completingEveryRequiredLessonIssuesAVerifiableCertificate() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            var learner = try await Self.enrolled(client, email: "ada@example.com")
            let lesson = try await learner.get(client, "/courses/flask-certificate/lessons/first-app")
            let done = try await learner.post(client, "/courses/flask-certificate/lessons/first-app/complete", [("_csrf", lesson.csrf ?? "")])
            #expect(done.location == "/courses/flask-certificate/lessons/routing", "complete and continue: on to the next lesson")
            let undone = try await learner.post(client, "/courses/flask-certificate/lessons/first-app/undo", [("_csrf", lesson.csrf ?? "")])
            #expect(undone.status == .seeOther)
            let result5 = try await learner.get(client, "/dashboard")
            #expect(result5.body.contains("0 of 2 required lessons done"))
            for slug in ["first-app", "routing"] {
                _ = try await learner.post(client, "/courses/flask-certificate/lessons/\(slug)/complete", [("_csrf", lesson.csrf ?? "")])
            }
            // Earned, but held until the address is confirmed; following the link issues it.
            let waiting = try await learner.get(client, "/dashboard")
            #expect(waiting.body.contains("Your certificate is issued as soon as you confirm your email address"))
            #expect(!waiting.body.contains("href=\"/certificates/"))
            let verified = try await learner.verifyEmail(client, site: site, email: "ada@example.com")
            #expect(verified.location == "/dashboard")
            let dashboard = try await learner.get(client, "/dashboard")
            #expect(dashboard.body.contains("Thank you: your address is confirmed."))
            #expect(!dashboard.body.contains("Please confirm your email address"))
            #expect(dashboard.body.contains("Course completed and certified: 2 of 2 required lessons done."))
            let codeStart = try #require(dashboard.body.range(of: "href=\"/certificates/"))
            let code = String(dashboard.body[codeStart.upperBound...].prefix { $0 != "\"" })
            #expect(code.count == 23)

            // Anyone can verify it, people and machines.
            let certificate = try await client.get("/certificates/\(code)")
            #expect(certificate.status == .ok)
            #expect(certificate.body.contains("Ada Lovelace"))
            #expect(certificate.body.contains("Flask Certificate"))
            #expect(certificate.body.contains(code))
            let json = try await client.get("/certificates/\(code).json")
            #expect(json.headers[.contentType] == "application/json; charset=utf-8")
            let facts = try JSONSerialization.jsonObject(with: Data(json.body.utf8)) as? [String: Any]
            #expect(facts?["learner"] as? String == "Ada Lovelace")
            #expect(facts?["status"] as? String == "valid")
            let result6 = try await client.get("/certificates/AAAAA-AAAAA-AAAAA-AAAAA")
            #expect(result6.status == .notFound)
        }
    }

    @Test func aRevokedCertificateSaysSo() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            var learner = try await Self.enrolled(client, email: "ada@example.com", course: "tiny")
            _ = try await learner.verifyEmail(client, site: site, email: "ada@example.com")
            let lesson = try await learner.get(client, "/courses/tiny/lessons/only")
            _ = try await learner.post(client, "/courses/tiny/lessons/only/complete", [("_csrf", lesson.csrf ?? "")])
            let store = try await site.openDatabase().enrolments
            let user = try #require(
                try await try await site.openDatabase().users.credentials(for: try EmailAddress("ada@example.com"))?.user)
            let code = try #require(try await store.certificates(of: user.id).first?.code)
            _ = try await store.revoke(code: code, reason: "Course requirements were not met")
            let page = try await client.get("/certificates/\(code)")
            #expect(page.body.contains("This certificate was revoked on"))
            #expect(page.body.contains("Course requirements were not met"))
            let json = try await client.get("/certificates/\(code).json")
            #expect(json.body.contains("\"status\" : \"revoked\""))
        }
    }

    @Test func aFullCourseSaysSoInsteadOfFailing() async throws {
        try await makeApp(site).test(.router) { client in
            _ = try await Self.enrolled(client, email: "first@example.com", course: "tiny")
            var late = Browser()
            _ = try await late.register(client, email: "late@example.com")
            _ = try await late.login(client, email: "late@example.com")
            let page = try await late.get(client, "/courses/tiny")
            #expect(page.body.contains("Full: the waitlist is open"))
            #expect(page.body.contains(">Join the waitlist<"))
            #expect(!page.body.contains(">Enrol now<"))
            let refused = try await late.post(client, "/courses/tiny/enrol", [("_csrf", page.csrf ?? "")])
            #expect(refused.status == .conflict)
            #expect(refused.body.contains("This course is full"))
        }
    }

    @Test func leavingAsksFirstAndKeepsCompletions() async throws {
        try await makeApp(site).test(.router) { client in
            var learner = try await Self.enrolled(client, email: "ada@example.com")
            let confirm = try await learner.get(client, "/courses/flask-certificate/leave")
            #expect(confirm.status == .ok)
            #expect(confirm.body.contains("Yes, leave the course"))
            let left = try await learner.post(client, "/courses/flask-certificate/leave", [("_csrf", confirm.csrf ?? "")])
            #expect(left.location == "/dashboard")
            let result7 = try await learner.get(client, "/courses/flask-certificate/lessons/first-app")
            #expect(result7.status == .forbidden)
            let dashboard = try await learner.get(client, "/dashboard")
            #expect(dashboard.body.contains("You are not enrolled in any course yet"))
        }
    }

    @Test func theDashboardNeedsALogin() async throws {
        try await makeApp(site).test(.router) { client in
            var browser = Browser()
            let result8 = try await browser.get(client, "/dashboard")
            #expect(result8.location == "/login?next=/dashboard")
        }
    }

    @Test func aVisitorsFormToSomethingMissingIsNotFoundRatherThanALoginPrompt() async throws {
        try await makeApp(site).test(.router) { client in
            var visitor = Browser()
            let lesson = "/courses/flask-certificate/lessons/first-app"
            for missing in [
                "/courses/flask-certificate/lessons/no-such-lesson/complete", "/courses/no-such-course/lessons/first-app/complete",
                "\(lesson)/quiz", "\(lesson)/submissions", "/courses/flask-certificate/lessons/no-such-lesson/undo",
            ] {
                let page = try await visitor.submit(client, form: "/login", to: missing, [])
                #expect(page.status == .notFound, "\(missing): \(page.status) \(page.location ?? "")")
            }
            #expect(try await visitor.get(client, "\(lesson)/quiz/attempts/1").status == .notFound)
            let existing = try await visitor.submit(client, form: "/login", to: "\(lesson)/complete", [])
            #expect(existing.location?.hasPrefix("/login?next=") == true, "\(existing.status)")
        }
    }
}
