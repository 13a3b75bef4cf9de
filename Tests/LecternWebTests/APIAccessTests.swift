import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import LecternWeb
import Testing

/// Reaching the API: a token or a signed-in browser with its CSRF header; every error a problem document.
@Suite final class APIAccessTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
    }

    deinit { site.delete() }

    func makeToken(_ email: String = "ada@example.com", scope: TokenScope = .read) async throws -> String {
        let database = try await site.openDatabase()
        let user = try await database.users.create(
            email: try EmailAddress(email), name: "Ada Lovelace", passwordHash: "$argon2id$x", verified: true)
        return try await database.accessTokens.create(user: user, name: "Test", scope: scope).secret
    }

    static func json(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "not JSON: \(body)")
    }

    @Test func aTokenSaysWhoItSpeaksFor() async throws {
        let secret = try await makeToken()
        try await makeApp(site).test(.router) { client in
            let me = try await client.get("/api/v1/me", headers: [.authorization: "Bearer \(secret)"])
            #expect(me.status == .ok)
            #expect(me.headers[.contentType] == "application/json")
            let body = try Self.json(me.body)
            #expect(body["email"] as? String == "ada@example.com" && body["scope"] as? String == "read")
            #expect((body["token"] as? [String: Any])?["name"] as? String == "Test")
            #expect(body["email_verified"] as? Bool == true, "snake_case throughout")
        }
    }

    @Test func aMissingOrBadTokenIsA401ProblemNeverAPage() async throws {
        let secret = try await makeToken()
        try await makeApp(site).test(.router) { client in
            let anonymous = try await client.get("/api/v1/me")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.contentType] == "application/problem+json")
            #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(try Self.json(anonymous.body)["type"] as? String == "/api/problems/unauthorized")
            for bad in ["Bearer \(secret.dropLast())x", "Bearer nonsense", "Basic YWRhOnB3", "Bearer"] {
                let refused = try await client.get("/api/v1/me", headers: [.authorization: bad])
                #expect(refused.status == .unauthorized, "\(bad)")
                #expect(try Self.json(refused.body)["type"] as? String == "/api/problems/invalid-token")
            }
            let missing = try await client.get("/api/v1/no-such-thing", headers: [.authorization: "Bearer \(secret)"])
            #expect(missing.status == .notFound && missing.headers[.contentType] == "application/problem+json")
            #expect(!missing.body.contains("<html"))
            // An address that exists, with a method it does not accept: 405 and what it accepts.
            let delete = try await client.execute(uri: "/api/v1/posts", method: .delete, headers: [.authorization: "Bearer \(secret)"])
            #expect(delete.status == .methodNotAllowed)
            #expect(delete.headers[.allow] == "GET, HEAD")
            #expect(delete.headers[.contentType] == "application/problem+json")
            let postSpec = try await client.execute(uri: "/api/openapi.yaml", method: .post, headers: [.authorization: "Bearer \(secret)"])
            #expect(postSpec.status == .methodNotAllowed && postSpec.headers[.allow] == "GET, HEAD")
            let root = try await client.get("/api")
            #expect(root.status == .notFound && root.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func theContractIsServedAsTheRepositoryHoldsIt() async throws {
        try await makeApp(site).test(.router) { client in
            let spec = try await client.get("/api/openapi.yaml")
            #expect(spec.status == .ok)
            #expect(spec.headers[.contentType] == "application/yaml; charset=utf-8")
            let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../openapi.yaml")
            #expect(spec.body == (try String(contentsOf: file, encoding: .utf8)), "the top-level openapi.yaml is the served contract")
            #expect(spec.body.contains("openapi: 3.1.0") && spec.body.contains("/api/v1/me:"))
            let etag = try #require(spec.headers[.eTag])
            #expect(try await client.get("/api/openapi.yaml", headers: [.ifNoneMatch: etag]).status == .notModified)
        }
    }

    @Test func aBrowserSessionNeedsItsCSRFHeaderForWrites() async throws {
        try await makeApp(site).test(.router) { client in
            var ada = Browser()
            _ = try await ada.register(client, email: "ada@example.com")
            let me = try await ada.get(client, "/api/v1/me")
            #expect(me.status == .ok, "a signed-in browser reads with its cookie")
            #expect(try Self.json(me.body)["scope"] as? String == "learn")
            // A write without the page's token in X-CSRF-Token is refused before any handler runs, as JSON.
            let write = try await ada.post(client, "/api/v1/me", [], headers: [.contentType: "application/json"])
            #expect(write.status == .forbidden)
            #expect(try Self.json(write.body)["type"] as? String == "/api/problems/missing-csrf-token")
            let crossSite = try await ada.post(client, "/api/v1/me", [], headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(try Self.json(crossSite.body)["type"] as? String == "/api/problems/cross-site")
        }
    }
}
