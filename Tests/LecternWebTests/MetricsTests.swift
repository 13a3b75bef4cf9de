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
        let database = try await site.openDatabase()
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
            // The counters are the process's: another test's write (tests run side by side) may end the page just kept,
            // so it is asked for until it comes from the cache.
            for _ in 0..<10 {
                _ = try await client.execute(uri: "/blog/first-post", method: .get)
                if SiteMetricsReading(SiteMetrics.registry.emitToString()).value("lectern_page_cache_hits_total") > before.value("lectern_page_cache_hits_total") {
                    break
                }
            }
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

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `/metrics` on an address of its own (`LECTERN_METRICS_ADDRESS`): no token there, and no longer on the site.
@Suite final class MetricsAddressTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try site.writePost("first-post")
    }

    deinit { site.delete() }

    /// A port nobody listens on now (the kernel's choice for port 0, let go at once).
    func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(descriptor, raw, length) == 0, getsockname(descriptor, raw, &length) == 0 else { throw CancellationError() }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func onAnAddressOfItsOwnMetricsNeedNoTokenAndTheSiteServesThemNoMore() async throws {
        var configuration = testConfiguration(site)
        let port = try freePort()
        configuration.metricsAddress = ListenAddress(host: "127.0.0.1", port: port)
        try await buildApplication(configuration).test(.live) { client in
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .notFound)
            // The metrics server starts beside the site's: ask until it answers, for at most ten seconds.
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/metrics"))
            let deadline = Date().addingTimeInterval(10)
            var answer: (Data, URLResponse)?
            while answer == nil, Date() < deadline {
                answer = try? await URLSession.shared.data(from: url)
                if answer == nil { await Task.yield() }
            }
            let (body, response) = try #require(answer)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            #expect(String(decoding: body, as: UTF8.self).contains("lectern_page_cache_hits_total"))
        }
    }

    @Test func anAddressIsReadAsHostAndPort() {
        #expect(ListenAddress("127.0.0.1:9100") == ListenAddress(host: "127.0.0.1", port: 9100))
        #expect(ListenAddress("[::1]:9100") == ListenAddress(host: "::1", port: 9100))
        #expect(ListenAddress("[::1]:9100")?.description == "[::1]:9100")
        for bad in ["9100", "127.0.0.1", "127.0.0.1:99999", "::1:9100", ":9100", "host name:1"] { #expect(ListenAddress(bad) == nil) }
    }
}
