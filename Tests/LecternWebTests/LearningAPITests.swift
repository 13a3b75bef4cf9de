import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import LecternWeb
import Testing

/// What a learner does through the API: places (enrol, leave, codes, requests, waitlists), lessons, completions,
/// knowledge checks, checkpoints, their own enrolments; and certificate checks, which are public.
@Suite final class LearningAPITests {
    let site: TestSite
    static let course = "/api/v1/courses/flask-certificate"

    init() throws {
        site = try TestSite()
        try site.writeCourse("flask-certificate")
        try site.writeLesson("flask-certificate", "01-first-app", title: "Your first app")
        try site.writeFile(
            "courses/flask-certificate/lessons/02-routing.md", "---\ntitle: \"Routing\"\nmodule: Foundations\n---\nRules.\n\n\(KnowledgeCheckTests.quiz)\n")
        try site.writeFile(
            "courses/flask-certificate/lessons/03-checkpoint.md",
            "---\ntitle: \"Checkpoint\"\nmodule: Data\nkind: checkpoint\n---\nBuild the catalogue and send a link to it.\n")
        try site.writeCourse("short", title: "Short")
        try site.writeLesson("short", "01-only", title: "The only lesson")
        try site.writeCourse("sold", title: "Sold", enrolment: "code")
        try site.writeLesson("sold", "01-a")
        try site.writeCourse("given", title: "Given", capacity: 1, enrolment: "approval")
        try site.writeLesson("given", "01-a")
        try site.writeCourse("tiny", title: "Tiny", capacity: 1)
        try site.writeLesson("tiny", "01-a")
    }

    deinit { site.delete() }

    /// A learner with a token of `scope`; the `Authorization` header to send.
    func caller(_ email: String = "ada@example.com", scope: TokenScope = .learn) async throws -> HTTPFields {
        let database = try await site.openDatabase()
        let user = try await database.users.create(
            email: try EmailAddress(email), name: "Ada Lovelace", passwordHash: "$argon2id$x", verified: true)
        let secret = try await database.accessTokens.create(user: user, name: "Test", scope: scope).secret
        return [.authorization: "Bearer \(secret)"]
    }

    static func json(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "not JSON: \(body)")
    }

    static func problemType(_ response: Reply) throws -> String? {
        #expect(response.headers[.contentType] == "application/problem+json")
        return try json(response.body)["type"] as? String
    }

    static func jsonBody(_ text: String) -> (HTTPFields, String) {
        ([.contentType: "application/json"], text)
    }

    @Test func aReadTokenCannotEnrol() async throws {
        let read = try await caller(scope: .read)
        try await makeApp(site).test(.router) { client in
            let refused = try await client.send("\(Self.course)/enrolment", .post, headers: read)
            #expect(refused.status == .forbidden)
            #expect(try Self.problemType(refused) == "/api/problems/insufficient-scope")
            let course = try Self.json(try await client.get(Self.course, headers: read).body)
            #expect((course["viewer"] as? [String: Any])?["enrolled"] as? Bool == false, "nothing was written")
        }
    }

    @Test func enrollingInACourseRemovedSinceItWasLastUsedIsNotFound() async throws {
        let ada = try await caller()
        let bob = try await caller("bob@example.com")
        let site = self.site
        try await makeApp(site).test(.router) { client in
            // Ada's place leaves the tiny course in the server's memory; then the course leaves the site.
            #expect(try await client.send("/api/v1/courses/tiny/enrolment", .post, headers: ada).status == .created)
            try site.remove("courses/tiny")
            _ = try await site.openDatabase().content.sync(from: ContentLoader(root: site.content))

            let refused = try await client.send("/api/v1/courses/tiny/enrolment", .post, headers: bob)
            #expect(refused.status == .notFound, "a removed course is not found, not closed: \(refused.body)")
            #expect(try Self.problemType(refused) == "/api/problems/no-such-course")
        }
    }

    @Test func aLearnerEnrolsAndLeaves() async throws {
        let learn = try await caller()
        try await makeApp(site).test(.router) { client in
            let enrolled = try await client.send("\(Self.course)/enrolment", .post, headers: learn)
            #expect(enrolled.status == .created)
            #expect(try Self.json(enrolled.body)["outcome"] as? String == "enrolled")
            let again = try await client.send("\(Self.course)/enrolment", .post, headers: learn)
            #expect(try again.status == .ok && (try Self.json(again.body)["outcome"] as? String) == "already_enrolled")
            let mine = try Self.json(try await client.get("/api/v1/me/enrolments", headers: learn).body)
            #expect((mine["items"] as? [[String: Any]])?.map { $0["course"] as? String } == ["flask-certificate"])

            #expect(try await client.send("\(Self.course)/enrolment", .delete, headers: learn).status == .noContent)
            let course = try Self.json(try await client.get(Self.course, headers: learn).body)
            #expect((course["viewer"] as? [String: Any])?["enrolled"] as? Bool == false)
            let missing = try await client.send("/api/v1/courses/no-such-course/enrolment", .post, headers: learn)
            #expect(try missing.status == .notFound && (try Self.problemType(missing)) == "/api/problems/no-such-course")
        }
    }

    @Test func aLessonsBodyIsOnlyForThoseWhoMayReadIt() async throws {
        let learn = try await caller()
        try await makeApp(site).test(.router) { client in
            let lesson = "\(Self.course)/lessons/first-app"
            let visitor = try Self.json(try await client.get(lesson).body)
            #expect(visitor["access"] as? String == "enrol" && visitor["html"] == nil && visitor["title"] as? String == "Your first app")
            let notYet = try Self.json(try await client.get(lesson, headers: learn).body)
            #expect(notYet["html"] == nil, "a token is not a place on the course")

            _ = try await client.send("\(Self.course)/enrolment", .post, headers: learn)
            let open = try Self.json(try await client.get(lesson, headers: learn).body)
            #expect(open["access"] as? String == "open" && (open["html"] as? String)?.contains("The text of lesson 01-first-app") == true)
            #expect(open["completed"] as? Bool == false)
            let quiz = try #require(try Self.json(try await client.get("\(Self.course)/lessons/routing", headers: learn).body)["quiz"] as? [String: Any])
            let questions = try #require(quiz["questions"] as? [[String: Any]])
            #expect(questions.map { $0["id"] as? String } == ["converter", "methods", "variable", "port", "status"])
            #expect(!String(describing: quiz).contains("correct"), "the questions, never which option is right")
            #expect(try await client.get("\(Self.course)/lessons/nope").status == .notFound)
        }
    }

    @Test func aLessonIsCompletedAndUndone() async throws {
        let learn = try await caller()
        try await makeApp(site).test(.router) { client in
            let completion = "\(Self.course)/lessons/first-app/completion"
            let stranger = try await client.send(completion, .put, headers: learn)
            #expect(try stranger.status == .forbidden && (try Self.problemType(stranger)) == "/api/problems/not-enrolled")

            _ = try await client.send("\(Self.course)/enrolment", .post, headers: learn)
            let done = try await client.send(completion, .put, headers: learn)
            #expect(try done.status == .ok && (try Self.json(done.body)["completed"] as? Bool) == true)
            let quizLesson = try await client.send("\(Self.course)/lessons/routing/completion", .put, headers: learn)
            #expect(try quizLesson.status == .conflict && (try Self.problemType(quizLesson)) == "/api/problems/completion-refused")
            #expect(try Self.json(try await client.get("\(Self.course)/lessons/first-app", headers: learn).body)["completed"] as? Bool == true)

            #expect(try await client.send(completion, .delete, headers: learn).status == .noContent)
            #expect(try Self.json(try await client.get("\(Self.course)/lessons/first-app", headers: learn).body)["completed"] as? Bool == false)
        }
    }

    @Test func quizAnswersAreGradedAndAttemptsArePrivate() async throws {
        let ada = try await caller()
        let grace = try await caller("grace@example.com")
        try await makeApp(site).test(.router) { client in
            let attempts = "\(Self.course)/lessons/routing/quiz-attempts"
            for learner in [ada, grace] { _ = try await client.send("\(Self.course)/enrolment", .post, headers: learner) }
            var (headers, body) = Self.jsonBody(#"{"answers": {"converter": ["a"]}}"#)
            headers.append(contentsOf: ada)
            let incomplete = try await client.send(attempts, .post, headers: headers, body: body)
            #expect(try incomplete.status == .unprocessableContent && (try Self.problemType(incomplete)) == "/api/problems/answers-incomplete")
            let named = (try Self.json(incomplete.body)["errors"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(named == ["answers.methods", "answers.port", "answers.status", "answers.variable"])

            (headers, body) = Self.jsonBody(
                #"{"answers": {"converter": ["a"], "methods": ["get", "post"], "variable": ["flask_debug"], "port": ["5000"], "status": ["308"]}}"#)
            headers.append(contentsOf: ada)
            let graded = try await client.send(attempts, .post, headers: headers, body: body)
            #expect(graded.status == .created)
            let attempt = try Self.json(graded.body)
            #expect(attempt["score"] as? Int == 100 && attempt["passed"] as? Bool == true)
            let location = try #require(graded.headers[.location])
            #expect(location == "\(attempts)/\(attempt["id"] as? Int ?? 0)")
            let kept = try await client.get(location, headers: ada)
            #expect(kept.status == .ok)
            #expect(try Self.json(kept.body)["created_at"] as? String == attempt["created_at"] as? String, "the answer gives the time as stored")
            let theirs = try await client.get(location, headers: grace)
            #expect(theirs.status == .notFound, "another learner's attempt is not found")
            #expect(try Self.json(try await client.get("\(Self.course)/lessons/routing", headers: ada).body)["completed"] as? Bool == true)
        }
    }

    @Test func checkpointWorkIsSentOnceAtATime() async throws {
        let learn = try await caller()
        try await makeApp(site).test(.router) { client in
            let submissions = "\(Self.course)/lessons/checkpoint/submissions"
            _ = try await client.send("\(Self.course)/enrolment", .post, headers: learn)
            var (headers, body) = Self.jsonBody(#"{"text": "  ", "link": "ftp://nowhere"}"#)
            headers.append(contentsOf: learn)
            let invalid = try await client.send(submissions, .post, headers: headers, body: body)
            #expect(try invalid.status == .unprocessableContent && (try Self.problemType(invalid)) == "/api/problems/submission-invalid")
            #expect(try (Self.json(invalid.body)["errors"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["link", "text"])

            (headers, body) = Self.jsonBody(#"{"text": "My catalogue", "link": "https://example.com/repo"}"#)
            headers.append(contentsOf: learn)
            let sent = try await client.send(submissions, .post, headers: headers, body: body)
            #expect(try sent.status == .created && (try Self.json(sent.body)["status"] as? String) == "submitted")
            let second = try await client.send(submissions, .post, headers: headers, body: (#"{"text": "Again"}"#))
            #expect(try second.status == .conflict && (try Self.problemType(second)) == "/api/problems/checkpoint-refused")
            let list = try Self.json(try await client.get(submissions, headers: learn).body)
            #expect((list["items"] as? [[String: Any]])?.map { $0["text"] as? String } == ["My catalogue"])
            let notOne = try await client.get("\(Self.course)/lessons/first-app/submissions", headers: learn)
            #expect(try notOne.status == .notFound && (try Self.problemType(notOne)) == "/api/problems/not-a-checkpoint")
        }
    }

    @Test func placesByCodeRequestAndWaitlist() async throws {
        let site = self.site
        let ada = try await caller()
        let grace = try await caller("grace@example.com")
        let database = try await site.openDatabase()
        try await makeApp(site).test(.router) { client in
            let sold = try #require(try await database.courses.course(slug: "sold"))
            let code = try await database.accessCodes.create(courseID: sold.id, count: 1)[0].code
            let needsCode = try await client.send("/api/v1/courses/sold/enrolment", .post, headers: ada)
            #expect(try needsCode.status == .conflict && (try Self.problemType(needsCode)) == "/api/problems/place-given-otherwise")
            var (headers, _) = Self.jsonBody("")
            headers.append(contentsOf: ada)
            let wrong = try await client.send(
                "/api/v1/courses/sold/redemptions", .post, headers: headers, body: (#"{"code": "AAAAA-BBBBB-CCCCC"}"#))
            #expect(try wrong.status == .notFound && (try Self.problemType(wrong)) == "/api/problems/unknown-code")
            let redeemed = try await client.send(
                "/api/v1/courses/sold/redemptions", .post, headers: headers, body: (#"{"code": "\#(code)"}"#))
            #expect(try redeemed.status == .created && (try Self.json(redeemed.body)["outcome"] as? String) == "enrolled")

            let requested = try await client.send(
                "/api/v1/courses/given/request", .post, headers: headers, body: (#"{"note": "For my team"}"#))
            #expect(try requested.status == .created && (try Self.json(requested.body)["outcome"] as? String) == "requested")
            let tooLong = try await client.send(
                "/api/v1/courses/given/request", .post, headers: headers,
                body: (#"{"note": "\#(String(repeating: "x", count: 1001))"}"#))
            #expect(tooLong.status == .unprocessableContent)
            #expect(try await client.send("/api/v1/courses/given/request", .delete, headers: ada).status == .noContent)

            #expect(try await client.send("/api/v1/courses/tiny/enrolment", .post, headers: ada).status == .created)
            let full = try await client.send("/api/v1/courses/tiny/enrolment", .post, headers: grace)
            #expect(try full.status == .conflict && (try Self.problemType(full)) == "/api/problems/enrolment-closed")
            let waiting = try await client.send("/api/v1/courses/tiny/waitlist", .post, headers: grace)
            #expect(waiting.status == .created)
            #expect(try Self.json(waiting.body)["waitlist_position"] as? Int == 1)
            #expect(try await client.send("/api/v1/courses/tiny/waitlist", .delete, headers: grace).status == .noContent)
        }
    }

    @Test func anyoneChecksACertificateAndSeesNoAccount() async throws {
        let learn = try await caller()
        try await makeApp(site).test(.router) { client in
            _ = try await client.send("/api/v1/courses/short/enrolment", .post, headers: learn)
            let done = try await client.send("/api/v1/courses/short/lessons/only/completion", .put, headers: learn)
            let code = try #require(try Self.json(done.body)["certificate_code"] as? String)
            let checked = try await client.get("/api/v1/certificates/\(code.lowercased())")
            #expect(checked.status == .ok)
            let certificate = try Self.json(checked.body)
            #expect(certificate["status"] as? String == "valid" && certificate["learner_name"] as? String == "Ada Lovelace")
            #expect(certificate["course"] as? String == "short" && certificate["code"] as? String == code)
            #expect(!checked.body.contains("ada@example.com") && certificate["user_id"] == nil)
            let unknown = try await client.get("/api/v1/certificates/NOPE-NOPE")
            #expect(unknown.status == .notFound && unknown.headers[.contentType] == "application/problem+json")
            let undo = try await client.send("/api/v1/courses/short/lessons/only/completion", .delete, headers: learn)
            #expect(try undo.status == .conflict && (try Self.problemType(undo)) == "/api/problems/course-certified")
        }
    }

    @Test func bodiesAreJSONObjectsWithOnlyTheirOwnProperties() async throws {
        let token = try await caller()
        try await makeApp(site).test(.router) { client in
            var learn = token
            _ = try await client.send("\(Self.course)/enrolment", .post, headers: learn)
            let submissions = "\(Self.course)/lessons/checkpoint/submissions"
            var form = learn
            form[.contentType] = "application/x-www-form-urlencoded"
            let asForm = try await client.send(submissions, .post, headers: form, body: ("text=hello"))
            #expect(try asForm.status == .unsupportedMediaType && (try Self.problemType(asForm)) == "/api/problems/unsupported-media-type")
            learn[.contentType] = "application/json"
            let broken = try await client.send(submissions, .post, headers: learn, body: (#"{"text": "#))
            #expect(broken.status == .badRequest && broken.headers[.contentType] == "application/problem+json")
            let array = try await client.send(submissions, .post, headers: learn, body: ("[1]"))
            #expect(array.status == .unprocessableContent)
            let extra = try await client.send(submissions, .post, headers: learn, body: (#"{"text": 5, "admin": true}"#))
            #expect(extra.status == .unprocessableContent)
            let reasons = (try Self.json(extra.body)["errors"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(reasons == ["text", "admin"])
            let leaveWithBody = try await client.send(
                "\(Self.course)/enrolment", .delete, headers: learn, body: (#"{"everyone": true}"#))
            #expect(leaveWithBody.status == .unprocessableContent, "a body-less operation refuses properties too")
        }
    }

    @Test func eachCallerHasAnAllowanceAMinute() async throws {
        let learn = try await caller()
        var configuration = testConfiguration(site)
        configuration.apiRequestsPerMinute = 3
        let site = self.site
        try await buildApplication(configuration).test(.router) { client in
            for expected in [2, 1, 0] {
                let allowed = try await client.get("/api/v1/me", headers: learn)
                #expect(allowed.status == .ok)
                #expect(allowed.headers[HTTPField.Name("RateLimit")!]?.contains("r=\(expected);") == true)
                #expect(allowed.headers[HTTPField.Name("RateLimit-Policy")!] == #""per-caller";q=3;w=60"#)
            }
            let refused = try await client.get("/api/v1/me", headers: learn)
            #expect(try refused.status == .tooManyRequests && (try Self.problemType(refused)) == "/api/problems/rate-limited")
            #expect(Int(refused.headers[.retryAfter] ?? "") != nil)
            let database = try await site.openDatabase()
            let ada = try #require(try await database.users.user(email: EmailAddress("ada@example.com")))
            let second = try await database.accessTokens.create(user: ada, name: "Second", scope: .read).secret
            let shared = try await client.get("/api/v1/me", headers: [.authorization: "Bearer \(second)"])
            #expect(shared.status == .tooManyRequests, "an account's tokens share one allowance")
            #expect(try await client.get("/api/v1/courses").status == .ok, "an anonymous client has an allowance of its own")
            // Wrong tokens have a network allowance of their own, counted before any lookup: guessing stops at it, and
            // neither anonymous calls nor right tokens use it up.
            let wrong: HTTPFields = [.authorization: "Bearer lct_\(String(repeating: "x", count: 43))"]
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<4 { statuses.append(try await client.get("/api/v1/me", headers: wrong).status) }
            #expect(statuses == [.unauthorized, .unauthorized, .unauthorized, .tooManyRequests], "\(statuses)")
            let guessed = try await client.get("/api/v1/me", headers: wrong)
            #expect(guessed.status == .tooManyRequests && guessed.body.contains("unknown tokens"), "\(guessed.body)")
        }
    }
}

typealias Reply = (status: HTTPResponse.Status, headers: HTTPFields, body: String)

extension TestClientProtocol {
    /// Any method, with an optional body; the answer's body as text.
    func send(_ uri: String, _ method: HTTPRequest.Method, headers: HTTPFields = [:], body: String? = nil) async throws -> Reply {
        let response = try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return (response.status, response.headers, String(buffer: response.body))
    }
}
