import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternServices
import LecternStore
import LecternTestSupport
import LecternWeb
import Testing

/// What an outside review of the API found, kept from coming back: kept answers that outlive a private write, guessing
/// codes in parallel, encoded addresses in paths, and an administrator's narrow token.
@Suite final class APIReviewFixesTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try site.writeCourse("flask-certificate")
        try site.writeLesson("flask-certificate", "01-first-app", title: "Your first app")
        try site.writeCourse("sold", title: "Sold", enrolment: "code")
        try site.writeLesson("sold", "01-a")
    }

    deinit { site.delete() }

    func account(_ email: String, admin: Bool = false, scope: TokenScope) async throws -> (User, HTTPFields) {
        let database = try await site.openDatabase()
        let users = database.users
        var user = try await users.create(email: try EmailAddress(email), name: "Ada Lovelace", passwordHash: "$argon2id$x", verified: true)
        if admin {
            try await users.setRole(userID: user.id, .admin)
            user.role = .admin
        }
        let secret = try await database.accessTokens.create(user: user, name: "Test", scope: scope).secret
        return (user, [.authorization: "Bearer \(secret)", .contentType: "application/json"])
    }

    @Test func aKeptAnswerDoesNotOutliveAWriteThatChangesNoPublicPage() async throws {
        let (ada, auth) = try await account("ada@example.com", scope: .read)
        let site = self.site
        try await makeApp(site).test(.router) { client in
            let query = #"{"query": "{ viewer { name } }"}"#
            #expect(try await client.send("/graphql", .post, headers: auth, body: query).body.contains("Ada Lovelace"))
            let database = try await site.openDatabase()
            try await database.users.updateName(userID: ada.id, name: "Ada King")
            #expect(try await client.send("/graphql", .post, headers: auth, body: query).body.contains("Ada King"))
        }
    }

    @Test func wrongCodesSentInParallelStillStopAtTheLimit() async throws {
        let (ada, _) = try await account("ada@example.com", scope: .learn)
        _ = try await makeApp(site)  // imports the content
        let database = try await site.openDatabase()
        let enrolments = Enrolments(database: database)
        let outcomes = await withTaskGroup(of: String.self) { group in
            for attempt in 0..<25 {
                group.addTask {
                    do {
                        _ = try await enrolments.redeem(String(format: "AAAAA-BBBBB-%05d", attempt), by: ada, for: "sold", network: "192.0.2.0/24")
                        return "placed"
                    } catch CourseRefusal.tooManyWrongCodes {
                        return "refused"
                    } catch {
                        return "tried"
                    }
                }
            }
            var all: [String] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes.filter { $0 == "tried" }.count == Enrolments.wrongCodesPerAccount.limit, "\(outcomes)")
        #expect(outcomes.filter { $0 == "refused" }.count == 25 - Enrolments.wrongCodesPerAccount.limit)
    }

    @Test func anEncodedAddressInAnAdminPathIsTheAddress() async throws {
        let (_, admin) = try await account("root@example.com", admin: true, scope: .admin)
        _ = try await account("ada@example.com", scope: .read)
        try await makeApp(site).test(.router) { client in
            let admitted = try await client.send(
                "/api/v1/admin/courses/flask-certificate/enrolments", .post, headers: admin, body: #"{"email": "ada@example.com"}"#)
            #expect(admitted.status == .created)
            let removed = try await client.send("/api/v1/admin/courses/flask-certificate/enrolments/ada%40example.com", .delete, headers: admin)
            #expect(removed.status == .noContent)
        }
    }

    @Test func anAdministratorsReadTokenReadsNoMoreThanALearnersAndMovesNothing() async throws {
        let (_, reading) = try await account("root@example.com", admin: true, scope: .read)
        let (_, full) = try await account("boss@example.com", admin: true, scope: .admin)
        try await makeApp(site).test(.router) { client in
            let lesson = "/api/v1/courses/flask-certificate/lessons/first-app"
            let narrow = try await client.send(lesson, .get, headers: reading)
            #expect(narrow.body.contains(#""access":"enrol""#) && !narrow.body.contains(#""html""#))
            let wide = try await client.send(lesson, .get, headers: full)
            #expect(wide.body.contains(#""access":"open""#) && wide.body.contains(#""html""#))
        }
    }
}
