import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternServices
import LecternTestSupport
import Testing

@testable import LecternWeb

/// Behind a reverse proxy every request comes from the proxy: its `X-Forwarded-For` names the client, but only when the
/// operator trusts that proxy; from anyone else the header is a client's say-so and is ignored.
@Suite final class TrustedProxyTests {
    let site: TestSite
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    init() throws {
        site = try TestSite()
        try seedBlog(site)
    }

    deinit { site.delete() }

    func proxies(_ text: String) throws -> TrustedProxies { try TrustedProxies(parsing: text) }

    @Test func theNearestUntrustedHopIsTheClient() throws {
        let proxies = try proxies("127.0.0.1, 10.0.0.0/8")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["198.51.100.7"]) == "198.51.100.7")
        // A client that sends its own header only adds hops on the left: the proxies' own entries are read from the right.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.66, 198.51.100.7, 10.1.2.3"]) == "198.51.100.7")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.66", "198.51.100.7"]) == "198.51.100.7")
        // Rubbish stops the walk at the last proxy seen.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["not-an-address, 10.1.2.3"]) == "10.1.2.3")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["[2001:db8::7]:443"]) == "2001:db8::7")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["198.51.100.7:55123"]) == "198.51.100.7")
    }

    @Test func aPeerThatIsNotTrustedIsTheClientWhateverItSends() throws {
        let proxies = try proxies("10.0.0.0/8")
        #expect(proxies.client(peer: "203.0.113.9", forwardedFor: ["198.51.100.7"]) == "203.0.113.9")
        #expect(TrustedProxies.none.client(peer: "127.0.0.1", forwardedFor: ["198.51.100.7"]) == "127.0.0.1")
    }

    @Test func rangesOfBothFamiliesAreMatchedByTheirPrefix() throws {
        let proxies = try proxies("2001:db8::/32 192.168.4.0/22")
        #expect(proxies.trusts("2001:db8:ffff::1"))
        #expect(!proxies.trusts("2001:db9::1"))
        #expect(proxies.trusts("192.168.7.255"))
        #expect(!proxies.trusts("192.168.8.0"))
        #expect(proxies.trusts("::ffff:192.168.5.1"))
    }

    @Test func aListWithAnEntryThatIsNoAddressIsRefusedByName() {
        for bad in ["10.0.0.0/33", "localhost", "10.0.0.1/x", "::1/129", "1.2.3.4/8/8"] {
            #expect(throws: TrustedProxiesError.self) { try TrustedProxies(parsing: "127.0.0.1, \(bad)") }
        }
        #expect((try? TrustedProxies(parsing: "127.0.0.1, localhost")) == nil)
        do {
            _ = try TrustedProxies(parsing: "127.0.0.1, localhost")
        } catch {
            #expect(error.description.contains("'localhost' is neither an IP address nor a CIDR range"))
        }
    }

    /// Two visitors behind one proxy: failed logins from one do not throttle the other when the proxy is trusted.
    /// On a site of its own each time: the counts are the database's, so they outlive one application.
    func secondVisitorsLogin(trusting proxies: TrustedProxies) async throws -> HTTPResponse.Status {
        let site = try TestSite()
        defer { site.delete() }
        var configuration = testConfiguration(site)
        configuration.loginLimits = LoginLimits(perAccount: 50, perAddress: 2)
        configuration.trustedProxies = proxies
        configuration.baseURL = "http://localhost"
        return try await buildApplication(configuration).test(.live) { client in
            var first = Browser()
            first.extraHeaders[Self.forwardedFor] = "198.51.100.1"
            for attempt in 1...2 {
                let failed = try await first.login(client, email: "someone\(attempt)@example.com", password: "wrong horse battery")
                #expect(failed.status == .unprocessableContent)
            }
            #expect(try await first.login(client, email: "someone3@example.com", password: "wrong horse battery").status == .tooManyRequests)
            var second = Browser()
            second.extraHeaders[Self.forwardedFor] = "198.51.100.2"
            return try await second.login(client, email: "someone4@example.com", password: "wrong horse battery").status
        }
    }

    @Test func behindATrustedProxyEachVisitorHasTheirOwnLoginAllowance() async throws {
        #expect(try await secondVisitorsLogin(trusting: proxies("127.0.0.1")) == .unprocessableContent)
    }

    @Test func theHeaderFromAPeerNotTrustedChangesNothing() async throws {
        #expect(try await secondVisitorsLogin(trusting: .none) == .tooManyRequests)
        #expect(try await secondVisitorsLogin(trusting: proxies("10.0.0.0/8")) == .tooManyRequests)
    }
}
