import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import LecternWeb
import Testing

/// `GET /api/v1/courses` and `/api/v1/courses/{slug}`: the catalogue for anyone; the caller's own progress for them.
@Suite final class CoursesAPITests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try site.writeCourse("flask-certificate", capacity: 30)
        try site.writeLesson("flask-certificate", "01-first-app", title: "Your first app")
        try site.writeLesson("flask-certificate", "02-routing", title: "Routing")
    }

    deinit { site.delete() }

    static func json(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "not JSON: \(body)")
    }

    @Test func theCatalogueAndACourseWithItsSyllabus() async throws {
        try await makeApp(site).test(.router) { client in
            let list = try Self.json(try await client.get("/api/v1/courses").body)
            let item = try #require((list["items"] as? [[String: Any]])?.first)
            #expect(item["slug"] as? String == "flask-certificate" && item["lesson_count"] as? Int == 2)
            #expect((item["availability"] as? [String: Any])?["state"] as? String == "open")
            #expect((item["availability"] as? [String: Any])?["seats_left"] as? Int == 30)
            #expect(item["enrolment_mode"] as? String == "open")

            let course = try Self.json(try await client.get("/api/v1/courses/flask-certificate").body)
            #expect(course["title"] as? String == "Flask Certificate", "the summary's fields are at the top level")
            let lessons = try #require(course["lessons"] as? [[String: Any]])
            #expect(lessons.map { $0["title"] as? String } == ["Your first app", "Routing"])
            #expect(lessons.allSatisfy { $0["completed"] == nil && $0["html"] == nil }, "no progress for nobody, and no lesson bodies here")
            #expect(course["viewer"] == nil)
            #expect(try await client.get("/api/v1/courses/nope").status == .notFound)
        }
    }

    @Test func aCallerSeesTheirOwnEnrolmentAndProgress() async throws {
        let site = self.site
        let database = try await site.openDatabase()
        try await makeApp(site).test(.router) { client in
            let user = try await database.users.create(
                email: try EmailAddress("ada@example.com"), name: "Ada", passwordHash: "$argon2id$x", verified: true)
            let secret = try await database.accessTokens.create(user: user, name: "Test", scope: .read).secret
            let course = try #require(try await database.courses.course(slug: "flask-certificate"))
            let auth: HTTPFields = [.authorization: "Bearer \(secret)"]
            let before = try Self.json(try await client.get("/api/v1/courses/flask-certificate", headers: auth).body)
            #expect((before["viewer"] as? [String: Any])?["enrolled"] as? Bool == false)

            _ = try await database.enrolments.enrol(userID: user.id, courseID: course.id)
            _ = try await database.enrolments.complete(
                userID: user.id, courseID: course.id, lessonID: course.lessons[0].id, learnerName: user.name)
            let after = try Self.json(try await client.get("/api/v1/courses/flask-certificate", headers: auth).body)
            let viewer = try #require(after["viewer"] as? [String: Any])
            #expect(viewer["enrolled"] as? Bool == true && viewer["percent"] as? Int == 50 && viewer["completed_required"] as? Int == 1)
            #expect((after["lessons"] as? [[String: Any]])?.map { $0["completed"] as? Bool } == [true, false])
        }
    }
}
