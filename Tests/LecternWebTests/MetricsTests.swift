import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
import LecternStore
import LecternTestSupport
import Testing

@testable import LecternWeb

/// `/metrics`: Prometheus text for an administrator's token, and nobody else.
@Suite final class MetricsTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try site.writePost("first-post")
    }

    deinit { site.delete() }

    func bearer(_ email: String, admin: Bool, scope: TokenScope) async throws -> HTTPFields {
        let database = try LecternDatabase.open(path: site.databasePath)
        var user = try await database.users.create(email: try EmailAddress(email), name: "Someone", passwordHash: "$argon2id$x", verified: true)
        if admin {
            try await database.users.setRole(userID: user.id, .admin)
            user.role = .admin
        }
        return [.authorization: "Bearer \(try await database.accessTokens.create(user: user, name: "Metrics", scope: scope).secret)"]
    }

    @Test func metricsNeedAnAdministratorsTokenWithTheAdminScope() async throws {
        let app = try await makeApp(site)
        let learnerToken = try await bearer("ada@example.com", admin: false, scope: .learn)
        let readToken = try await bearer("ops@example.com", admin: true, scope: .read)
        try await app.test(.router) { client in
            let anonymous = try await client.execute(uri: "/metrics", method: .get)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            let learner = try await client.execute(uri: "/metrics", method: .get, headers: learnerToken)
            #expect(learner.status == .forbidden)
            let readOnly = try await client.execute(uri: "/metrics", method: .get, headers: readToken)
            #expect(readOnly.status == .forbidden)
            let wrong = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer lct_not-a-token"])
            #expect(wrong.status == .unauthorized)
        }
    }

    @Test func anAdministratorSeesThePageCacheCountInPrometheusText() async throws {
        let app = try await makeApp(site)
        let adminToken = try await bearer("root@example.com", admin: true, scope: .admin)
        try await app.test(.router) { client in
            let before = SiteMetricsReading(SiteMetrics.registry.emitToString())
            _ = try await client.execute(uri: "/blog/first-post", method: .get)
            _ = try await client.execute(uri: "/blog/first-post", method: .get)
            let response = try await client.execute(uri: "/metrics", method: .get, headers: adminToken)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let after = SiteMetricsReading(String(buffer: response.body))
            #expect(response.body.readableBytes > 0)
            #expect(after.value("lectern_page_cache_hits_total") >= before.value("lectern_page_cache_hits_total") + 1)
            #expect(after.value("lectern_page_cache_misses_total") >= before.value("lectern_page_cache_misses_total") + 1)
            #expect(String(buffer: response.body).contains("# TYPE lectern_live_connections gauge"))
        }
    }
}

/// Values read back from Prometheus text.
struct SiteMetricsReading {
    let text: String
    init(_ text: String) { self.text = text }

    func value(_ name: String) -> Double {
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ").last ?? "") ?? 0
        }
        return 0
    }
}
