import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import LecternWeb
import Testing

/// `/api/v1/admin/…`: what the CLI's course, code and enrolment commands do, for administrators' tokens only.
@Suite final class AdminAPITests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try site.writeCourse("flask-certificate", capacity: 2)
        try site.writeLesson("flask-certificate", "01-first-app")
        try site.writeCourse("given", title: "Given", enrolment: "approval")
        try site.writeLesson("given", "01-a")
    }

    deinit { site.delete() }

    /// An account (an administrator with `admin`) and a token of `scope`; the header to send.
    func caller(_ email: String, admin: Bool = false, scope: TokenScope) async throws -> HTTPFields {
        let database = try await site.openDatabase()
        let users = database.users
        var user = try await users.create(email: try EmailAddress(email), name: "Someone", passwordHash: "$argon2id$x", verified: true)
        if admin {
            try await users.setRole(userID: user.id, .admin)
            user.role = .admin
        }
        let secret = try await database.accessTokens.create(user: user, name: "Test", scope: scope).secret
        return [.authorization: "Bearer \(secret)", .contentType: "application/json"]
    }

    static func json(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "not JSON: \(body)")
    }

    @Test func onlyAnAdministratorsAdminTokenReachesThem() async throws {
        let admin = try await caller("root@example.com", admin: true, scope: .admin)
        let demoted = try await caller("ada@example.com", admin: true, scope: .admin)
        let database = try await site.openDatabase()
        let ada = try #require(try await database.users.user(email: try EmailAddress("ada@example.com")))
        try await database.users.setRole(userID: ada.id, .learner)
        let adminReading = try await caller("root2@example.com", admin: true, scope: .read)
        try await makeApp(site).test(.router) { client in
            #expect(try await client.send("/api/v1/admin/users", .get, headers: admin).status == .ok)
            for refused in [demoted, adminReading] {
                let response = try await client.send("/api/v1/admin/users", .get, headers: refused)
                #expect(response.status == .forbidden)
                #expect(try Self.json(response.body)["type"] as? String == "/api/problems/insufficient-scope", "a token never does more than its owner")
            }
            #expect(try await client.send("/api/v1/admin/users", .get).status == .unauthorized)
        }
    }

    @Test func accountsAreListedAndSearched() async throws {
        let admin = try await caller("root@example.com", admin: true, scope: .admin)
        _ = try await caller("ada@example.com", scope: .read)
        try await makeApp(site).test(.router) { client in
            let all = try Self.json(try await client.send("/api/v1/admin/users?role=learner", .get, headers: admin).body)
            #expect((all["items"] as? [[String: Any]])?.compactMap { $0["email"] as? String } == ["ada@example.com"])
            let wrong = try await client.send("/api/v1/admin/users?role=owner&limit=0&colour=red", .get, headers: admin)
            #expect(wrong.status == .unprocessableContent)
            let errors = try #require(try Self.json(wrong.body)["errors"] as? [[String: Any]])
            #expect(errors.compactMap { $0["name"] as? String } == ["role", "limit", "colour"])
            // Lengths count code points, as the contract's maxLength does: 60 letters with a combining accent each
            // are 60 characters to a reader but 120 code points, over the 100 allowed.
            let accented = String(repeating: "e%CC%81", count: 60)
            #expect(try await client.send("/api/v1/admin/users?search=\(accented)", .get, headers: admin).status == .unprocessableContent)
        }
    }

    @Test func aCourseIsClosedResizedAndResetAsTheCLIDoes() async throws {
        let admin = try await caller("root@example.com", admin: true, scope: .admin)
        try await makeApp(site).test(.router) { client in
            let course = "/api/v1/admin/courses/flask-certificate"
            let before = try Self.json(try await client.send(course, .get, headers: admin).body)
            #expect(before["enrolment"] as? String == "open" && before["capacity"] as? Int == 2 && before["enrolled"] as? Int == 0)

            let closed = try await client.send(course, .patch, headers: admin, body: #"{"enrolment": "closed", "capacity": null}"#)
            #expect(closed.status == .ok)
            let state = try Self.json(closed.body)
            #expect(state["enrolment"] as? String == "closed" && state["capacity"] == nil)
            #expect((state["operator_settings"] as? [String: Any])?["unlimited"] as? Bool == true)
            let learnerView = try Self.json(try await client.get("/api/v1/courses/flask-certificate").body)
            #expect((learnerView["availability"] as? [String: Any])?["state"] as? String == "closed", "the catalogue sees it at once")

            let reset = try Self.json(try await client.send(course, .patch, headers: admin, body: #"{"enrolment": "content", "capacity": "content"}"#).body)
            #expect(reset["enrolment"] as? String == "open" && reset["capacity"] as? Int == 2 && reset["operator_settings"] as? [String: Any] != nil)
            for bad in [#"{}"#, #"{"capacity": -1}"#, #"{"capacity": true}"#, #"{"enrolment": "ajar"}"#] {
                #expect(try await client.send(course, .patch, headers: admin, body: bad).status == .unprocessableContent, "\(bad)")
            }
            #expect(try await client.send("/api/v1/admin/courses/nope", .get, headers: admin).status == .notFound)
        }
    }

    @Test func learnersAreAdmittedBeyondCapacityOnlyWithAReason() async throws {
        let admin = try await caller("root@example.com", admin: true, scope: .admin)
        for email in ["a@example.com", "b@example.com", "c@example.com"] { _ = try await caller(email, scope: .read) }
        try await makeApp(site).test(.router) { client in
            let enrolments = "/api/v1/admin/courses/flask-certificate/enrolments"
            for email in ["a@example.com", "b@example.com"] {
                #expect(try await client.send(enrolments, .post, headers: admin, body: #"{"email": "\#(email)"}"#).status == .created)
            }
            let full = try await client.send(enrolments, .post, headers: admin, body: #"{"email": "c@example.com"}"#)
            #expect(try full.status == .conflict && (try Self.json(full.body)["type"] as? String) == "/api/problems/enrolment-closed")
            let beyond = try await client.send(enrolments, .post, headers: admin, body: #"{"email": "c@example.com", "over_capacity_reason": "Sponsor"}"#)
            #expect(beyond.status == .created)
            let unknown = try await client.send(enrolments, .post, headers: admin, body: #"{"email": "nobody@example.com"}"#)
            #expect(try unknown.status == .notFound && (try Self.json(unknown.body)["type"] as? String) == "/api/problems/no-such-account")

            let list = try Self.json(try await client.send(enrolments, .get, headers: admin).body)
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.map { $0["email"] as? String } == ["a@example.com", "b@example.com", "c@example.com"])
            #expect(items.last?["over_capacity_reason"] as? String == "Sponsor")
            #expect(try await client.send("\(enrolments)/b@example.com", .delete, headers: admin).status == .noContent)
            #expect(try (try Self.json(try await client.send(enrolments, .get, headers: admin).body)["items"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test func aBodyTheContractRefusesIsRefusedWhateverTheLearnersPlace() async throws {
        let admin = try await caller("root@example.com", admin: true, scope: .admin)
        let ada = try await caller("ada@example.com", scope: .learn)
        try await makeApp(site).test(.router) { client in
            let enrolments = "/api/v1/admin/courses/flask-certificate/enrolments"
            #expect(try await client.send(enrolments, .post, headers: admin, body: #"{"email": "ada@example.com"}"#).status == .created)
            // Ada has the place, so a well-formed code or admission is answered "already enrolled" without a lookup;
            // a malformed one is still a malformed request (schemathesis once got 200 for a code with a control character).
            let redemptions = "/api/v1/courses/flask-certificate/redemptions"
            #expect(try await client.send(redemptions, .post, headers: ada, body: #"{"code": "7KQ2M-XW9FD-R4TCN"}"#).status == .ok)
            for bad in [#"{"code": "\u00c1\u0013d\u0090"}"#, #"{"code": ""}"#, #"{"code": "7KQ2M XW9FD"}"#, #"{"code": "<script>"}"#] {
                let refused = try await client.send(redemptions, .post, headers: ada, body: bad)
                #expect(refused.status == .unprocessableContent, "\(bad)")
                #expect(try Self.json(refused.body)["type"] as? String == "/api/problems/validation-failed", "\(bad)")
            }
            #expect(try await client.send(enrolments, .post, headers: admin, body: #"{"email": "ada@example.com"}"#).status == .ok)
            for bad in [
                #"{"email": "ada@example.com", "over_capacity_reason": ""}"#, #"{"email": "not an address"}"#,
                #"{"email": "ada\u0004@example.com"}"#, #"{"email": ""}"#, #"{"email": "ada%1A@example.com"}"#,
            ] {
                let refused = try await client.send(enrolments, .post, headers: admin, body: bad)
                #expect(refused.status == .unprocessableContent, "\(bad)")
                #expect(try Self.json(refused.body)["type"] as? String == "/api/problems/validation-failed", "\(bad)")
            }
        }
    }

    @Test func requestsAreDecidedAndCodesMadeAndRevoked() async throws {
        let admin = try await caller("root@example.com", admin: true, scope: .admin)
        let ada = try await caller("ada@example.com", scope: .learn)
        try await makeApp(site).test(.router) { client in
            #expect(try await client.send("/api/v1/courses/given/request", .post, headers: ada, body: #"{"note": "Team lead"}"#).status == .created)
            let pending = try Self.json(try await client.send("/api/v1/admin/courses/given/requests", .get, headers: admin).body)
            #expect((pending["items"] as? [[String: Any]])?.first?["note"] as? String == "Team lead")
            let decision = "/api/v1/admin/courses/given/requests/ada@example.com/decision"
            let approved = try await client.send(decision, .post, headers: admin, body: #"{"approve": true, "reason": "Welcome"}"#)
            #expect(try approved.status == .ok && (try Self.json(approved.body)["status"] as? String) == "approved")
            let again = try await client.send(decision, .post, headers: admin, body: #"{"approve": false}"#)
            #expect(try again.status == .conflict && (try Self.json(again.body)["type"] as? String) == "/api/problems/already-enrolled")
            #expect(try await client.send(decision, .post, headers: admin, body: #"{"approve": "yes"}"#).status == .unprocessableContent)

            let codes = "/api/v1/admin/courses/flask-certificate/codes"
            let made = try await client.send(codes, .post, headers: admin, body: #"{"count": 2, "uses_per_code": 3, "note": "Acme, PO 4417"}"#)
            #expect(made.status == .created)
            let code = try #require((try Self.json(made.body)["items"] as? [[String: Any]])?.first?["code"] as? String)
            for bad in [#"{"count": 0}"#, #"{"count": 1, "expires_at": "2001-01-01T00:00:00Z"}"#, #"{"count": 1.5}"#] {
                #expect(try await client.send(codes, .post, headers: admin, body: bad).status == .unprocessableContent, "\(bad)")
            }
            #expect(try await client.send("/api/v1/admin/codes/\(code)", .delete, headers: admin).status == .noContent)
            let listed = try Self.json(try await client.send(codes, .get, headers: admin).body)
            #expect((listed["items"] as? [[String: Any]])?.first { $0["code"] as? String == code }?["state"] as? String == "revoked")
            #expect(try await client.send("/api/v1/admin/codes/AAAAA-BBBBB-CCCCC", .delete, headers: admin).status == .notFound)
            #expect(try await client.send("/api/v1/admin/courses/flask-certificate/waitlist", .get, headers: admin).status == .ok)
        }
    }
}
