import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import LecternWeb
import Testing

/// `/graphql`: queries and mutations over the same services as the pages and REST; limits no client can get round;
/// the SDL committed beside the REST contract.
@Suite final class GraphQLTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        try site.writeCourse("flask-certificate")
        try site.writeLesson("flask-certificate", "01-first-app", title: "Your first app")
        try site.writeFile(
            "courses/flask-certificate/lessons/02-routing.md", "---\ntitle: \"Routing\"\nmodule: Foundations\n---\nRules.\n\n\(KnowledgeCheckTests.quiz)\n")
    }

    deinit { site.delete() }

    func token(_ email: String = "ada@example.com", scope: TokenScope) async throws -> HTTPFields {
        let database = try await site.openDatabase()
        let user = try await database.users.create(
            email: try EmailAddress(email), name: "Ada Lovelace", passwordHash: "$argon2id$x", verified: true)
        let secret = try await database.accessTokens.create(user: user, name: "Test", scope: scope).secret
        return [.authorization: "Bearer \(secret)", .contentType: "application/json"]
    }

    static func body(_ query: String, variables: [String: Any] = [:]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: ["query": query, "variables": variables]), as: UTF8.self)
    }

    static func json(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "not JSON: \(body)")
    }

    static func firstError(_ body: String) throws -> (message: String, code: String?) {
        let error = try #require((try json(body)["errors"] as? [[String: Any]])?.first, "no error in \(body)")
        return (error["message"] as? String ?? "", (error["extensions"] as? [String: Any])?["code"] as? String)
    }

    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    @Test func theCommittedSDLIsTheSchemasOwn() async throws {
        let committed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/LecternWeb/Contract/schema.graphql")
        let file = try String(contentsOf: committed, encoding: .utf8)
        try await makeApp(site).test(.router) { client in
            let served = try await client.get("/graphql/schema.graphql")
            #expect(served.status == .ok)
            #expect(served.body == file, "the schema changed: write it to Sources/LecternWeb/Contract/schema.graphql (curl /graphql/schema.graphql)")
            #expect(!served.body.lowercased().contains("email"), "no field reaches an address")
        }
    }

    @Test func queriesByGetAndPostMutationsByPostOnly() async throws {
        try await makeApp(site).test(.router) { client in
            let posted = try await client.send("/graphql", .post, headers: Self.jsonHeaders, body: try Self.body("{ courses { slug lessons { slug } } }"))
            #expect(posted.status == .ok)
            let courses = try #require((try Self.json(posted.body)["data"] as? [String: Any])?["courses"] as? [[String: Any]])
            #expect(courses.first?["slug"] as? String == "flask-certificate")
            #expect((courses.first?["lessons"] as? [[String: Any]])?.count == 2)

            let got = try await client.get("/graphql?query=%7B%20posts(first%3A%202)%20%7B%20slug%20%7D%20%7D")
            #expect(try got.status == .ok && ((try Self.json(got.body)["data"] as? [String: Any])?["posts"] as? [Any])?.count == 2)

            let mutation = try await client.get("/graphql?query=mutation%20%7B%20leave(course%3A%20%22flask-certificate%22)%20%7D")
            #expect(mutation.status == .methodNotAllowed && mutation.headers[.allow] == "POST")
            let form = try await client.send("/graphql", .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: "query=%7B%7D")
            #expect(form.status == .unsupportedMediaType)
            let batch = try await client.send("/graphql", .post, headers: Self.jsonHeaders, body: "[{\"query\": \"{ courses { slug } }\"}]")
            #expect(try batch.status == .badRequest && (try Self.firstError(batch.body).message).contains("one operation per request"))
        }
    }

    @Test func aLearnerEnrolsCompletesAndAnswersThroughMutations() async throws {
        let learn = try await token(scope: .learn)
        try await makeApp(site).test(.router) { client in
            let enrolled = try await client.send(
                "/graphql", .post, headers: learn, body: try Self.body(#"mutation { enrol(course: "flask-certificate") { outcome } }"#))
            #expect(enrolled.body.contains(#""outcome":"enrolled""#))
            let done = try await client.send(
                "/graphql", .post, headers: learn, body: try Self.body(#"mutation { completeLesson(course: "flask-certificate", lesson: "first-app") { lesson } }"#))
            #expect(done.body.contains(#""lesson":"first-app""#))
            let answers: [[String: Any]] = [
                ["question": "converter", "values": ["a"]], ["question": "methods", "values": ["get", "post"]],
                ["question": "variable", "values": ["FLASK_DEBUG"]], ["question": "port", "values": ["5000"]], ["question": "status", "values": ["308"]],
            ]
            let graded = try await client.send(
                "/graphql", .post, headers: learn,
                body: try Self.body(
                    #"mutation Answer($answers: [AnswerInput!]!) { answerQuiz(course: "flask-certificate", lesson: "routing", answers: $answers) { score passed certificateCode } }"#,
                    variables: ["answers": answers]))
            let attempt = try #require((try Self.json(graded.body)["data"] as? [String: Any])?["answerQuiz"] as? [String: Any], "\(graded.body)")
            #expect(attempt["score"] as? Int == 100 && attempt["passed"] as? Bool == true && attempt["certificateCode"] as? String != nil)
            let code = attempt["certificateCode"] as? String ?? ""
            let checked = try await client.send(
                "/graphql", .post, headers: Self.jsonHeaders, body: try Self.body(#"{ certificate(code: "\#(code)") { status learnerName course } }"#))
            #expect(checked.body.contains(#""status":"valid""#) && checked.body.contains(#""learnerName":"Ada Lovelace""#), "\(checked.body)")
            let viewer = try await client.send(
                "/graphql", .post, headers: learn, body: try Self.body("{ viewer { name enrolments { course percent complete } } }"))
            #expect(viewer.body.contains(#""percent":100"#) && viewer.body.contains(#""complete":true"#))
            let again = try await client.send(
                "/graphql", .post, headers: learn, body: try Self.body(#"mutation { enrol(course: "nope") { outcome } }"#))
            #expect(try Self.firstError(again.body).code == "no-such-course")
        }
    }

    @Test func everyOtherFieldAndMutationAnswers() async throws {
        let learn = try await token(scope: .learn)
        try site.writeCourse("sold", title: "Sold", enrolment: "code")
        try site.writeLesson("sold", "01-only")
        try site.writeFile(
            "courses/flask-certificate/lessons/03-checkpoint.md", "---\ntitle: \"Checkpoint\"\nmodule: Data\nkind: checkpoint\n---\nShip it.\n")
        let site = self.site
        try await makeApp(site).test(.router) { client in
            let post = try await client.send(
                "/graphql", .post, headers: Self.jsonHeaders, body: try Self.body(#"{ post(slug: "post-03") { title html tags { slug } category { name } } }"#))
            #expect(post.body.contains(#""title":"Post number 3""#) && post.body.contains("Paragraph about Flask number 3"))
            let missing = try await client.send("/graphql", .post, headers: Self.jsonHeaders, body: try Self.body(#"{ post(slug: "nope") { title } }"#))
            #expect(missing.body.contains(#""post":null"#))

            let database = try await site.openDatabase()
            let sold = try #require(try await database.courses.course(slug: "sold"))
            let code = try await database.accessCodes.create(courseID: sold.id, count: 1)[0].code
            let wrong = try await client.send(
                "/graphql", .post, headers: learn, body: try Self.body(#"mutation { redeemCode(course: "sold", code: "AAAAA-BBBBB-CCCCC") { outcome } }"#))
            #expect(try Self.firstError(wrong.body).code == "unknown-code")
            let redeemed = try await client.send(
                "/graphql", .post, headers: learn, body: try Self.body(#"mutation { redeemCode(course: "sold", code: "\#(code)") { outcome } }"#))
            #expect(redeemed.body.contains(#""outcome":"enrolled""#))
            let left = try await client.send("/graphql", .post, headers: learn, body: try Self.body(#"mutation { leave(course: "sold") }"#))
            #expect(left.body.contains(#""leave":true"#))
            let again = try await client.send("/graphql", .post, headers: learn, body: try Self.body(#"mutation { leave(course: "sold") }"#))
            #expect(again.body.contains(#""leave":false"#))

            _ = try await client.send("/graphql", .post, headers: learn, body: try Self.body(#"mutation { enrol(course: "flask-certificate") { outcome } }"#))
            let blank = try await client.send(
                "/graphql", .post, headers: learn,
                body: try Self.body(#"mutation { submitCheckpoint(course: "flask-certificate", lesson: "checkpoint", text: " ") { status } }"#))
            #expect(try Self.firstError(blank.body).code == "submission-invalid")
            let sent = try await client.send(
                "/graphql", .post, headers: learn,
                body: try Self.body(
                    #"mutation { submitCheckpoint(course: "flask-certificate", lesson: "checkpoint", text: "Done", link: "https://example.com/r") { status version } }"#))
            #expect(sent.body.contains(#""status":"submitted""#) && sent.body.contains(#""version":1"#))

            let certificate = try await client.send(
                "/graphql", .post, headers: Self.jsonHeaders, body: try Self.body(#"{ certificate(code: "NOPE-NOPE") { status } }"#))
            #expect(certificate.body.contains(#""certificate":null"#))
        }
    }

    @Test func aReadTokenCannotMutate() async throws {
        let read = try await token(scope: .read)
        try await makeApp(site).test(.router) { client in
            let refused = try await client.send(
                "/graphql", .post, headers: read, body: try Self.body(#"mutation { enrol(course: "flask-certificate") { outcome } }"#))
            #expect(try Self.firstError(refused.body).code == "insufficient-scope")
            let anonymous = try await client.send(
                "/graphql", .post, headers: Self.jsonHeaders, body: try Self.body(#"mutation { enrol(course: "flask-certificate") { outcome } }"#))
            #expect(try Self.firstError(anonymous.body).code == "unauthorized")
            let course = try await client.send(
                "/graphql", .post, headers: read, body: try Self.body(#"{ course(slug: "flask-certificate") { viewer { enrolled } } }"#))
            #expect(course.body.contains(#""enrolled":false"#), "nothing was written")
        }
    }

    @Test func depthAliasesOperationsCostAndSizeAreLimitedEvenThroughFragments() async throws {
        try await makeApp(site).test(.router) { client in
            var nested = "name"
            for _ in 0..<8 { nested = "fields { type { \(nested) } }" }
            let deep = try await client.send("/graphql", .post, headers: Self.jsonHeaders, body: try Self.body("{ __schema { types { \(nested) } } }"))
            #expect(try deep.status == .badRequest && (try Self.firstError(deep.body).message).contains("nested more than 15"))

            // The same depth hidden in fragments, each adding none of its own.
            var fragments = "fragment F0 on __Type { name }"
            for level in 1...8 { fragments += " fragment F\(level) on __Type { fields { type { ...F\(level - 1) } } }" }
            let hidden = try await client.send("/graphql", .post, headers: Self.jsonHeaders, body: try Self.body("{ __schema { types { ...F8 } } } \(fragments)"))
            #expect(try Self.firstError(hidden.body).code == "query-limit")

            let cycle = try await client.send(
                "/graphql", .post, headers: Self.jsonHeaders,
                body: try Self.body("{ courses { ...A } } fragment A on Course { lessons { ...B } } fragment B on Lesson { slug ...C } fragment C on Lesson { ...B }"))
            #expect(cycle.status == .badRequest)

            let aliases = (1...16).map { "a\($0): courses { slug }" }.joined(separator: " ")
            let many = try await client.send("/graphql", .post, headers: Self.jsonHeaders, body: try Self.body("{ \(aliases) }"))
            #expect(try Self.firstError(many.body).message.contains("at most 15 aliases"))

            let fields = "slug title module kind optional preview hasQuiz readingMinutes"
            let costly = (1...10).map { "c\($0): courses { lessons { \(fields) } }" }.joined(separator: " ")
            let expensive = try await client.send("/graphql", .post, headers: Self.jsonHeaders, body: try Self.body("{ \(costly) }"))
            #expect(try Self.firstError(expensive.body).message.contains("asks for too much at once"))

            let operations = (1...4).map { "query Q\($0) { courses { slug } }" }.joined(separator: " ")
            let four = try await client.send("/graphql", .post, headers: Self.jsonHeaders, body: try Self.body(operations))
            #expect(try Self.firstError(four.body).message.contains("at most 3 operations"))

            let huge = try await client.send(
                "/graphql", .post, headers: Self.jsonHeaders, body: try Self.body("{ courses { slug } }" + String(repeating: " ", count: 20_000)))
            #expect(huge.status == .contentTooLarge)
        }
    }

    @Test func oneResponseNameMeansOneFieldWithTheSameArguments() async throws {
        try await makeApp(site).test(.router) { client in
            // Run once with the first one's arguments and both selections: a cheap first and a costly second would
            // cost more than was counted, so such pairs are refused, however they are written.
            for conflicting in [
                "{ posts(first: 50) { slug } posts(first: 1) { title } }",
                "{ a: courses { slug } a: posts { slug } }",
                "{ courses { slug } ...Q } fragment Q on Query { courses: posts { slug } }",
                "{ courses { lessons { slug } } courses { lessons: posts { slug } } }",
            ] {
                let refused = try await client.send("/graphql", .post, headers: Self.jsonHeaders, body: try Self.body(conflicting))
                #expect(refused.status == .badRequest, "\(conflicting)")
                #expect(try Self.firstError(refused.body).message.contains("Give them different aliases"), "\(conflicting): \(refused.body)")
            }
            let merged = try await client.send(
                "/graphql", .post, headers: Self.jsonHeaders, body: try Self.body("{ courses { slug } courses { title } ... on Query { courses { slug } } }"))
            #expect(merged.status == .ok && !merged.body.contains("errors"), "\(merged.body)")

            // One field spread 32,768 times through doubling fragments, with a long argument: each copy is the same field,
            // taken once (this used to print the argument for every copy), and then refused as unknown.
            var doubling = "fragment F0 on Query { x(a: \"\(String(repeating: "a", count: 8_000))\") }"
            for level in 1...15 { doubling += " fragment F\(level) on Query { ...F\(level - 1) ...F\(level - 1) }" }
            let spread = try await client.send("/graphql", .post, headers: Self.jsonHeaders, body: try Self.body("{ ...F15 } \(doubling)"))
            #expect(spread.status == .badRequest, "\(spread.body.prefix(300))")

            // A variable's default counts as `first` when the request sends none.
            let slugs = Array(repeating: "slug", count: 20).joined(separator: " ")
            let defaulted = try await client.send(
                "/graphql", .post, headers: Self.jsonHeaders, body: try Self.body("query($n: Int = 50) { courses(first: $n) { lessons { \(slugs) } } }"))
            #expect(try Self.firstError(defaulted.body).message.contains("asks for too much at once"), "\(defaulted.body)")
        }
    }

    @Test func introspectionIsOnAndCanBeSwitchedOff() async throws {
        let standard = """
            query IntrospectionQuery { __schema { queryType { name } mutationType { name } types { ...FullType } directives { name locations args { ...InputValue } } } }
            fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name args { ...InputValue } type { ...TypeRef } isDeprecated } inputFields { ...InputValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name } possibleTypes { ...TypeRef } }
            fragment InputValue on __InputValue { name type { ...TypeRef } defaultValue }
            fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
            """
        try await makeApp(site).test(.router) { client in
            let introspected = try await client.send("/graphql", .post, headers: Self.jsonHeaders, body: try Self.body(standard))
            #expect(introspected.status == .ok && introspected.body.contains(#""name":"Course""#), "a client's standard introspection query fits the limits")
        }
        var configuration = testConfiguration(site)
        configuration.graphQLIntrospection = false
        try await buildApplication(configuration).test(.router) { client in
            let refused = try await client.send("/graphql", .post, headers: Self.jsonHeaders, body: try Self.body("{ __schema { types { name } } }"))
            #expect(try refused.status == .badRequest && (try Self.firstError(refused.body).message).contains("introspection"))
            #expect(try await client.send("/graphql", .post, headers: Self.jsonHeaders, body: try Self.body("{ courses { slug } }")).status == .ok)
        }
    }

    @Test func twentyCoursesWithTheirLessonsCostAsManyStatementsAsOne() async throws {
        let learn = try await token(scope: .read)
        let site = self.site
        // The server's own timers are not this query's: the change watcher reads the site revision and the event log
        // whenever it likes, and after a change (on PostgreSQL heard a moment later) the navigation, authors and next
        // scheduled post; housekeeping deletes what has expired (a query deletes nothing).
        let watched = site.postgresURL?.redacted ?? site.databasePath
        StatementLog.shared.watch(
            watched,
            ignoring: ["site_revision", "event_cursor", "FROM event", "FROM site_page", "FROM author", "min(published_at)", "DELETE FROM"])
        let query = try Self.body("{ courses { slug title lessons { slug title } viewer { percent } } }")
        /// The statements of one catalogue query, on the site as it is now.
        func statements(courses expected: Int) async throws -> (count: Int, sql: [String]) {
            try await makeApp(site).test(.router) { client in
                _ = try await client.send("/graphql", .post, headers: learn, body: query)  // warms the token's last-use note
                StatementLog.shared.reset(watched)
                let answer = try await client.send("/graphql", .post, headers: learn, body: query)
                #expect(((try Self.json(answer.body)["data"] as? [String: Any])?["courses"] as? [Any])?.count == expected)
                return (StatementLog.shared.count(watched), StatementLog.shared.statements(watched))
            }
        }
        let (one, oneSQL) = try await statements(courses: 1)
        for number in 1...19 {
            try site.writeCourse("course-\(number)", title: "Course \(number)")
            for lesson in 1...3 { try site.writeLesson("course-\(number)", "0\(lesson)-lesson", title: "Lesson \(lesson)") }
        }
        let (twenty, twentySQL) = try await statements(courses: 20)
        #expect(one > 0 && twenty == one, "one course: \(oneSQL); twenty: \(twentySQL)")
        #expect(twenty <= 8, "courses, lessons, seat counts, the token, the viewer's enrolments and certificates: \(twentySQL)")
    }
}
