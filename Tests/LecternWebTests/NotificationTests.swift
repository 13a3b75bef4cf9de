import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import Testing

@testable import LecternWeb

/// The inbox: notices written with the events that concern a person, listed at /notifications without any script,
/// counted in the navigation of every signed-in page (kept pages included), read by following them.
@Suite final class NotificationTests {
    let site: TestSite
    static let course = "/courses/tiny"

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        try site.writeCourse("tiny", title: "Tiny Course", featured: false, capacity: 1)
        try site.writeLesson("tiny", "01-only", title: "The only lesson")
    }

    deinit { site.delete() }

    /// Grace holds the only seat; Ada (signed in) waits for it. Returns Ada's browser and Grace's account.
    static func adaWaitsForGracesSeat(_ client: some TestClientProtocol, _ site: TestSite) async throws -> (Browser, User, CourseDetail) {
        let database = try await site.openDatabase()
        let grace = try await database.users.create(
            email: try EmailAddress("grace@example.com"), name: "Grace Hopper", passwordHash: "x", verified: true)
        let course = try #require(try await database.courses.course(slug: "tiny"))
        _ = try await database.enrolments.enrol(userID: grace.id, courseID: course.id)
        var ada = Browser()
        _ = try await ada.register(client, email: "ada@example.com")
        let waiting = try await ada.submit(client, form: Self.course, to: "\(Self.course)/waitlist", [])
        #expect(waiting.status == .seeOther)
        return (ada, grace, course)
    }

    @Test func aSeatFromTheWaitlistIsToldInTheInboxAndCountedOnEveryPage() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            var (ada, grace, course) = try await Self.adaWaitsForGracesSeat(client, site)
            #expect(try await !ada.get(client, "/dashboard").body.contains("nav-count"), "nothing to tell yet")

            // Grace leaves (from anywhere: here the store, as the CLI would); the seat is Ada's, and so is the notice.
            let database = try await site.openDatabase()
            _ = try await database.enrolments.leave(userID: grace.id, courseID: course.id)

            for page in ["/dashboard", "/blog/post-01", "/blog/post-01", Self.course] {
                let body = try await ada.get(client, page).body
                #expect(body.contains(#"Notifications <span class="nav-count">1<span class="visually-hidden"> unread</span></span>"#), "\(page)")
                #expect(body.contains(#"Menu <span class="nav-count">1<span class="visually-hidden"> unread notifications</span></span>"#), "\(page)")
            }
            let inbox = try await ada.get(client, "/notifications")
            #expect(inbox.status == .ok)
            #expect(inbox.body.contains("A seat on Tiny Course is yours: you are enrolled."))
            #expect(inbox.body.contains("is-unread"))
            let id = try #require(inbox.body.firstMatch(of: /href="\/notifications\/(\d+)"/).map { String($0.1) })

            // Another reader of the same kept post page sees no count of Ada's.
            var bob = Browser()
            _ = try await bob.register(client, name: "Bob Builder", email: "bob@example.com")
            #expect(try await !bob.get(client, "/blog/post-01").body.contains("nav-count"))
            #expect(try await bob.get(client, "/notifications/\(id)").status == .notFound, "a notice is its owner's alone")

            // A link or an image on another site leads to the inbox and marks nothing read.
            let fromElsewhere = try await ada.get(client, "/notifications/\(id)", headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(fromElsewhere.location == "/notifications")
            #expect(try await ada.get(client, "/blog/post-01").body.contains("nav-count"), "still unread")

            let opened = try await ada.get(client, "/notifications/\(id)", headers: [HTTPField.Name("Sec-Fetch-Site")!: "same-origin"])
            #expect(opened.location == Self.course)
            #expect(try await !ada.get(client, "/blog/post-01").body.contains("nav-count"), "read once followed")
            #expect(try await !ada.get(client, "/notifications").body.contains("is-unread"))
        }
    }

    @Test func everyNoticeCanBeMarkedReadAtOnceAndVisitorsAreSentToLogIn() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            var (ada, grace, course) = try await Self.adaWaitsForGracesSeat(client, site)
            let database = try await site.openDatabase()
            _ = try await database.enrolments.leave(userID: grace.id, courseID: course.id)
            let read = try await ada.submit(client, form: "/notifications", to: "/notifications/read", [])
            #expect(read.location == "/notifications")
            let after = try await ada.get(client, "/notifications")
            #expect(after.body.contains("Every notification is marked as read."))
            #expect(!after.body.contains("nav-count") && !after.body.contains("Mark all as read"))

            var visitor = Browser()
            #expect(try await visitor.get(client, "/notifications").location == "/login?next=/notifications")
        }
    }
}
