import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import Testing

@testable import LecternWeb

/// A course's state (open with seats, full, opening on a date, closed) is worded the same on every page that names
/// it, and nothing offers a course that cannot take the reader.
@Suite final class CourseAvailabilityTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        try site.writeCourse("flask-certificate", capacity: 40)
        try site.writeLesson("flask-certificate", "01-first-app")
        try site.writeCourse("tiny", title: "Tiny Course", featured: false, capacity: 1)
        try site.writeLesson("tiny", "01-only", title: "The only lesson")
    }

    deinit { site.delete() }

    @Test func everyPageSaysTheSameAndNoneOffersACourseThatCannotTakeTheReader() async throws {
        let site = self.site
        try await makeApp(site).test(.router) { client in
            var home = try await client.get("/")
            #expect(home.body.contains("Open: 40 seats left") && home.body.contains(#"href="/courses/flask-certificate">Enrol now"#))

            // The tiny course fills up; the operator closes the flagship.
            _ = try await CourseTests.enrolled(client, email: "ada@example.com", course: "tiny")
            let administration = try await site.openDatabase().courses
            #expect(try await administration.setEnrolment(slug: "flask-certificate", open: false) == true)

            let catalogue = try await client.get("/courses")
            #expect(catalogue.body.contains("Full: the waitlist is open"))
            #expect(catalogue.body.contains("Enrolment closed on"))
            #expect(!catalogue.body.contains("seats left"))
            let course = try await client.get("/courses/flask-certificate")
            #expect(course.body.contains("Enrolment closed on"))
            #expect(!course.body.contains("seats left"))
            home = try await client.get("/")
            let post = try await client.get("/blog/post-03")
            for page in [home.body, post.body] {
                #expect(!page.contains("Enrol now"), "no page offers a course that cannot take the reader")
            }
        }
    }

    @Test func aCohortsStartDateIsShownWhereTheCourseIs() async throws {
        try FileManager.default.createDirectory(at: site.content.appendingPathComponent("courses/cohort/lessons"), withIntermediateDirectories: true)
        try site.writeFile(
            "courses/cohort/course.md",
            "---\ntitle: \"Spring Cohort\"\nprice: \"£10\"\nmodules: [Basics]\nstarts_on: 2027-03-01\nenrolment_closes: 2027-02-22\n---\nA cohort.\n")
        try site.writeLesson("cohort", "01-intro", module: "Basics")
        try await makeApp(site).test(.router) { client in
            let course = try await client.get("/courses/cohort")
            let catalogue = try await client.get("/courses")
            #expect(course.body.contains("Starts on 1 March 2027") && catalogue.body.contains("Starts on 1 March 2027"))
        }
    }

    @Test func thePromoOffersAnOpenCourseElseTheNextToOpenElseNothing() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func course(_ slug: String, opens: Date? = nil, closes: Date? = nil, capacity: Int? = nil, enrolled: Int = 0) -> CourseDetail {
            CourseDetail(
                id: 1, summary: CourseSummary(slug: slug, title: slug, subtitle: "", level: "", duration: "", price: "£1", summary: "", benefits: []),
                capacity: capacity, enrolmentOpens: opens, enrolmentCloses: closes, outcomes: [], instructors: [], modules: [], descriptionHTML: "",
                lessons: [], enrolledCount: enrolled)
        }
        let full = course("full", capacity: 2, enrolled: 2)
        let closed = course("closed", closes: now.addingTimeInterval(-60))
        let later = course("later", opens: now.addingTimeInterval(30 * 86_400))
        let sooner = course("sooner", opens: now.addingTimeInterval(7 * 86_400))
        let open = course("open", capacity: 10, enrolled: 3)
        #expect(CoursePromotion.pick(from: [full, closed, later, open], at: now)?.summary.slug == "open")
        #expect(CoursePromotion.pick(from: [full, later, sooner, closed], at: now)?.summary.slug == "sooner")
        #expect(CoursePromotion.pick(from: [full, closed], at: now) == nil)
        #expect(open.availability(at: now) == .open(seatsLeft: 7))
        #expect(full.availability(at: now) == .full(waiting: 0))
        let dates = DateText(timeZone: TimeZone(identifier: "UTC")!)
        #expect(AvailabilityView(.open(seatsLeft: 1), dates: dates).text == "Open: 1 seat left")
        #expect(AvailabilityView(.open(seatsLeft: nil), dates: dates).text == "Open for enrolment")
        #expect(AvailabilityView(.opens(now), dates: dates).text == "Enrolment opens on 15 January 2027")
    }
}
