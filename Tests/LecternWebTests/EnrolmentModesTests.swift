import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import Logging
import Testing

@testable import LecternWeb

/// Places by access code, by approval and from the waitlist, as a learner meets them on the course page; and the
/// verification banner.
@Suite final class EnrolmentModesTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        try site.writeCourse("coded", title: "Coded Course", featured: false, capacity: 2, enrolment: "code")
        try site.writeLesson("coded", "01-only", title: "The only lesson")
        try site.writeCourse("asked", title: "Asked Course", featured: false, capacity: 1, enrolment: "approval")
        try site.writeLesson("asked", "01-only", title: "The only lesson")
        try site.writeCourse("tiny", title: "Tiny Course", featured: false, capacity: 1)
        try site.writeLesson("tiny", "01-only", title: "The only lesson")
    }

    deinit { site.delete() }

    func database() async throws -> any SiteDatabase { try await site.openDatabase() }

    static func courseID(_ slug: String, _ database: any SiteDatabase) async throws -> Int64 {
        try #require(try await database.courses.course(slug: slug)).id
    }

    func enrolmentMailer() async throws -> (EnrolmentMailer, OutboxStore) {
        let database = try await database()
        let outbox = database.outbox
        let mailer = EnrolmentMailer(
            events: database.events, requests: database.enrolmentRequests, waitlists: database.waitlists,
            mail: OutboxMailTransport(outbox: outbox), ledger: database.mailLedger, verifications: database.verifications,
            siteName: "Lectern Academy", baseURL: "https://academy.example", logger: Logger(label: "test"))
        return (mailer, outbox)
    }

    static func learner(_ client: some TestClientProtocol, _ email: String) async throws -> Browser {
        var browser = Browser()
        let registered = try await browser.register(client, email: email)
        #expect(registered.status == .seeOther)
        return browser
    }

    @Test func aCodeCourseTakesACodeAndSaysWhatIsWrongWithEachBadOne() async throws {
        let database = try await database()
        try await makeApp(site).test(.router) { client in
            let codes = database.accessCodes
            let id = try await Self.courseID("coded", database)
            let good = try await codes.create(courseID: id, count: 1)[0].code
            let revoked = try await codes.create(courseID: id, count: 1)[0].code
            _ = try await codes.revoke(revoked)

            let anonymous = try await client.get("/courses/coded")
            #expect(anonymous.body.contains("Places are sold by the school"))
            #expect(anonymous.body.contains(#"href="/register?enrol=coded">Enter your access code</a>"#))

            var ada = try await Self.learner(client, "ada@example.com")
            let page = try await ada.get(client, "/courses/coded")
            #expect(page.body.contains(#"<label for="access-code">Access code</label>"#))
            #expect(!page.body.contains(">Enrol now<"))
            let sneaky = try await ada.post(client, "/courses/coded/enrol", [("_csrf", page.csrf ?? "")])
            #expect(sneaky.location == "/courses/coded", "a code course cannot be entered by the enrol button")

            let wrong = try await ada.post(client, "/courses/coded/code", [("_csrf", page.csrf ?? ""), ("code", "22222-33333-44444")])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.body.contains("That code does not give a place on this course"))
            #expect(wrong.body.contains(#"value="22222-33333-44444""#), "what was typed is kept")
            let withdrawn = try await ada.post(client, "/courses/coded/code", [("_csrf", page.csrf ?? ""), ("code", revoked)])
            #expect(withdrawn.body.contains("That code was withdrawn by the school"))
            let empty = try await ada.post(client, "/courses/coded/code", [("_csrf", page.csrf ?? ""), ("code", "  ")])
            #expect(empty.body.contains("Enter the access code you were given."))

            let typedLoosely = good.lowercased().replacingOccurrences(of: "-", with: " ")
            let entered = try await ada.post(client, "/courses/coded/code", [("_csrf", page.csrf ?? ""), ("code", typedLoosely)])
            #expect(entered.location == "/courses/coded")
            let enrolled = try await ada.get(client, "/courses/coded")
            #expect(enrolled.body.contains("You are enrolled. Welcome to the course!"))
            #expect(enrolled.body.contains("Start the first lesson"))

            var bob = try await Self.learner(client, "bob@example.com")
            let bobPage = try await bob.get(client, "/courses/coded")
            let reused = try await bob.post(client, "/courses/coded/code", [("_csrf", bobPage.csrf ?? ""), ("code", good)])
            #expect(reused.body.contains("That code has already been used for every place it gives"))
        }
    }

    @Test func guessingCodesIsLimitedPerAccount() async throws {
        try await makeApp(site).test(.router) { client in
            var mallory = try await Self.learner(client, "mallory@example.com")
            let page = try await mallory.get(client, "/courses/coded")
            for attempt in 0..<10 {
                let guess = try await mallory.post(client, "/courses/coded/code", [("_csrf", page.csrf ?? ""), ("code", "22222-22222-2222\(attempt % 8 + 2)")])
                #expect(guess.status == .unprocessableContent)
            }
            let limited = try await mallory.post(client, "/courses/coded/code", [("_csrf", page.csrf ?? ""), ("code", "22222-22222-22222")])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.body.contains("Too many wrong codes were tried"))
            #expect(limited.headers[.retryAfter] != nil)
        }
    }

    @Test func signingUpFromACodeCourseLandsOnItsCodeForm() async throws {
        try await makeApp(site).test(.router) { client in
            var ada = Browser()
            let form = try await ada.get(client, "/register?enrol=coded")
            let signature = form.body.firstMatch(of: /name="enrol_signature" value="([^"]+)"/).map { String($0.1) } ?? ""
            let registered = try await ada.post(
                client, "/register",
                [
                    ("_csrf", form.csrf ?? ""), ("name", "Ada"), ("email", "ada@example.com"), ("password", "correct horse battery"),
                    ("password_confirmation", "correct horse battery"), ("enrol", "coded"), ("enrol_signature", signature),
                ])
            #expect(registered.location == "/courses/coded")
            let page = try await ada.get(client, "/courses/coded")
            #expect(page.body.contains("Places on this course are entered with an access code: type yours below."))
            #expect(page.body.contains(#"name="code""#))
        }
    }

    @Test func anApprovalCourseTakesARequestWhichTheSchoolDecidesAndMails() async throws {
        let (mailer, outbox) = try await enrolmentMailer()
        let site = self.site
        let database = try await database()
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client, "ada@example.com")
            _ = try await ada.verifyEmail(client, site: site, email: "ada@example.com")
            let page = try await ada.get(client, "/courses/asked")
            #expect(page.body.contains("Places are given by the school"))
            let tooLong = try await ada.post(client, "/courses/asked/request", [("_csrf", page.csrf ?? ""), ("note", String(repeating: "x", count: 1001))])
            #expect(tooLong.status == .unprocessableContent)
            #expect(tooLong.body.contains("Keep the note to 1,000 characters"))
            let asked = try await ada.post(client, "/courses/asked/request", [("_csrf", page.csrf ?? ""), ("note", "Acme pays, PO 4417")])
            #expect(asked.location == "/courses/asked")
            let pending = try await ada.get(client, "/courses/asked")
            #expect(pending.body.contains("Your request was sent. It holds a seat while the school decides"))
            #expect(pending.body.contains("You asked for a place on"))
            #expect(pending.body.contains(">Withdraw my request<"))
            #expect(pending.body.contains("Full: the waitlist is open"), "the pending request holds the only seat")

            let adaID = try #require(try await database.users.user(email: try EmailAddress("ada@example.com"))).id
            _ = try await database.enrolmentRequests.approve(
                userID: adaID, courseID: try await Self.courseID("asked", database), reason: "Welcome aboard")
            #expect(await mailer.send() == 1)
            #expect(await mailer.send() == 0, "mailed once")
            let message = try #require(try await outbox.messages().first { $0.recipient == "ada@example.com" && $0.subject.contains("confirmed") })
            #expect(message.subject == "Your place on “Asked Course” is confirmed")
            #expect(message.body.contains("Welcome aboard"))
            #expect(try await ada.get(client, "/courses/asked").body.contains("Start the first lesson"))
        }
    }

    @Test func aFullCourseOffersItsWaitlistAndTheFirstWaitingGetsTheFreedSeat() async throws {
        let (mailer, outbox) = try await enrolmentMailer()
        let site = self.site
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client, "ada@example.com")
            _ = try await ada.submit(client, form: "/courses/tiny", to: "/courses/tiny/enrol", [])
            var bob = try await Self.learner(client, "bob@example.com")
            _ = try await bob.verifyEmail(client, site: site, email: "bob@example.com")
            var cy = try await Self.learner(client, "cy@example.com")
            let joined = try await bob.submit(client, form: "/courses/tiny", to: "/courses/tiny/waitlist", [])
            #expect(joined.location == "/courses/tiny")
            _ = try await cy.submit(client, form: "/courses/tiny", to: "/courses/tiny/waitlist", [])
            let bobPage = try await bob.get(client, "/courses/tiny")
            #expect(bobPage.body.contains("You are on the waitlist."))
            #expect(bobPage.body.contains("You are number 1 on the waitlist."))
            #expect(try await cy.get(client, "/courses/tiny").body.contains("You are number 2 on the waitlist."))
            #expect(try await client.get("/courses").body.contains("Full: 2 on the waitlist"))

            // Ada leaves: Bob, first in line, gets the seat in the same transaction, and is mailed.
            _ = try await ada.submit(client, form: "/courses/tiny/leave", to: "/courses/tiny/leave", [])
            #expect(try await bob.get(client, "/courses/tiny").body.contains("Start the first lesson"))
            #expect(try await cy.get(client, "/courses/tiny").body.contains("You are number 1 on the waitlist."))
            #expect(await mailer.send() == 1)
            let message = try #require(try await outbox.messages().first { $0.recipient == "bob@example.com" && $0.subject.contains("is yours") })
            #expect(message.subject == "A seat on “Tiny Course” is yours")

            let left = try await cy.submit(client, form: "/courses/tiny", to: "/courses/tiny/waitlist/leave", [])
            #expect(left.location == "/courses/tiny")
            #expect(try await cy.get(client, "/courses/tiny").body.contains(">Join the waitlist<"))
        }
    }

    @Test func noticesGoOnlyToVerifiedAddresses() async throws {
        let (mailer, outbox) = try await enrolmentMailer()
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client, "ada@example.com")
            _ = try await ada.submit(client, form: "/courses/tiny", to: "/courses/tiny/enrol", [])
            var bob = try await Self.learner(client, "bob@example.com")
            _ = try await bob.submit(client, form: "/courses/tiny", to: "/courses/tiny/waitlist", [])
            _ = try await ada.submit(client, form: "/courses/tiny/leave", to: "/courses/tiny/leave", [])
            #expect(try await bob.get(client, "/courses/tiny").body.contains("Start the first lesson"))
        }
        #expect(await mailer.send() == 0)
        #expect(try await outbox.messages().filter { $0.recipient == "bob@example.com" }.map(\.subject) == ["Confirm your address for Lectern Academy"])
    }

    @Test func theBannerSendsANewLinkAFewTimesAnHour() async throws {
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client, "ada@example.com")
            let page = try await ada.get(client, "/blog")
            #expect(page.body.contains("Please confirm your email address"))
            for _ in 0..<3 {
                let again = try await ada.post(client, "/account/verify-again", [("_csrf", page.csrf ?? "")])
                #expect(again.location == "/account")
            }
            #expect(try await ada.get(client, "/account").body.contains("We have sent a new link to your address"))
            let limited = try await ada.post(client, "/account/verify-again", [("_csrf", page.csrf ?? "")])
            #expect(limited.status == .tooManyRequests)
            let dead = try await ada.get(client, "/account/verify/not-a-real-token")
            #expect(dead.status == .notFound)
            #expect(dead.body.contains("This confirmation link has expired or has already been used"))
        }
    }

    @Test func anInstructorDecidesRequestsOnTheReviewPage() async throws {
        let site = self.site
        let database = try await database()
        try await makeApp(site).test(.router) { client in
            var maya = try await Self.learner(client, "maya@example.com")
            _ = try await database.checkpoints.addInstructor(courseSlug: "asked", email: "maya@example.com")
            var ada = try await Self.learner(client, "ada@example.com")
            _ = try await ada.verifyEmail(client, site: site, email: "ada@example.com")
            _ = try await ada.submit(client, form: "/courses/asked", to: "/courses/asked/request", [("note", "My employer pays <b>all</b>")])

            let queue = try await maya.get(client, "/review")
            #expect(queue.body.contains("Requests for places"))
            #expect(queue.body.contains("My employer pays &lt;b&gt;all&lt;/b&gt;"))
            let action = try #require(queue.body.firstMatch(of: /action="(\/review\/requests\/\d+)"/).map { String($0.1) })
            // A learner who teaches nothing cannot decide.
            let refused = try await ada.post(client, action, [("_csrf", try await ada.get(client, "/").csrf ?? ""), ("decision", "approve")])
            #expect(refused.status == .forbidden)

            let declined = try await maya.post(client, action, [("_csrf", queue.csrf ?? ""), ("decision", "decline"), ("reason", "The cohort is for Acme staff.")])
            #expect(declined.location == "/review")
            #expect(try await maya.get(client, "/review").body.contains("Request declined: the learner has been told"))
            let twice = try await maya.post(client, action, [("_csrf", queue.csrf ?? ""), ("decision", "approve")])
            #expect(twice.status == .conflict)
            let page = try await ada.get(client, "/courses/asked")
            #expect(page.body.contains("was declined. The school said: “The cohort is for Acme staff.” You may ask again."))
            #expect(page.body.contains(">Ask for a place<"))
        }
        let outbox = database.outbox
        let mailed = try await outbox.messages().filter { $0.recipient == "ada@example.com" }.map(\.subject)
        #expect(mailed.contains("Your request for “Asked Course” was declined"))
    }

    @Test func signingUpFromAFullCourseJoinsItsWaitlistInTheSameStep() async throws {
        try await makeApp(site).test(.router) { client in
            var ada = try await Self.learner(client, "ada@example.com")
            _ = try await ada.submit(client, form: "/courses/tiny", to: "/courses/tiny/enrol", [])
            var bob = Browser()
            let course = try await bob.get(client, "/courses/tiny")
            #expect(course.body.contains(#"href="/register?enrol=tiny">Join the waitlist</a>"#))
            let form = try await bob.get(client, "/register?enrol=tiny")
            let signature = form.body.firstMatch(of: /name="enrol_signature" value="([^"]+)"/).map { String($0.1) } ?? ""
            let registered = try await bob.post(
                client, "/register",
                [
                    ("_csrf", form.csrf ?? ""), ("name", "Bob"), ("email", "bob@example.com"), ("password", "correct horse battery"),
                    ("password_confirmation", "correct horse battery"), ("enrol", "tiny"), ("enrol_signature", signature),
                ])
            #expect(registered.location == "/courses/tiny")
            #expect(try await bob.get(client, "/courses/tiny").body.contains("You are number 1 on the waitlist."))
        }
    }
}
