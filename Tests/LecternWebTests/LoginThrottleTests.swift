import Foundation
import Testing

import LecternServices
import LecternStore
import LecternTestSupport

@testable import LecternWeb

/// The login throttle's rules, on this run's backend: its counts are the database's, shared by every server process.
@Suite final class LoginThrottleTests: StoreSuite {
    /// One failed attempt from start to finish.
    private func fail(_ throttle: LoginThrottle, _ account: String, _ address: String, device: String? = nil, now: Date) async throws -> Bool {
        guard case .success(let reservation) = try await throttle.reserve(account: account, address: address, device: device, now: now) else {
            return false
        }
        try await throttle.finish(reservation, succeeded: false, now: now)
        return true
    }

    private func allowed(_ throttle: LoginThrottle, _ account: String, _ address: String, device: String? = nil, now: Date) async throws -> Bool {
        guard case .success(let reservation) = try await throttle.reserve(account: account, address: address, device: device, now: now) else {
            return false
        }
        try await throttle.finish(reservation, succeeded: true, now: now)
        return true
    }

    @Test func oneAddressTryingManyAccountsIsSlowedToo() async throws {
        let throttle = LoginThrottle(limits: .init(perAccount: 5, perAddress: 8, window: 900), ledger: database.rates)
        let now = Date()
        for index in 0..<8 { #expect(try await fail(throttle, "user\(index)@example.com", "203.0.113.7", now: now)) }
        #expect(try await !allowed(throttle, "fresh@example.com", "203.0.113.7", now: now))
        #expect(try await allowed(throttle, "fresh@example.com", "198.51.100.1", now: now))
    }

    @Test func theWaitEndsWhenTheWindowHasPassed() async throws {
        let throttle = LoginThrottle(ledger: database.rates)
        let start = Date()
        for _ in 0..<5 { _ = try await fail(throttle, "ada@example.com", "a", now: start) }
        guard case .failure(let wait) = try await throttle.reserve(account: "ada@example.com", address: "b", now: start.addingTimeInterval(60)) else {
            Issue.record("the sixth try was allowed")
            return
        }
        #expect(abs(wait.seconds - (15 * 60 - 60)) < 0.001)
        #expect(try await allowed(throttle, "ada@example.com", "b", now: start.addingTimeInterval(15 * 60 + 1)))
    }

    @Test func aSuccessClearsTheAccountButNotTheAddress() async throws {
        let throttle = LoginThrottle(limits: .init(perAccount: 2, perAddress: 3, window: 900), ledger: database.rates)
        let now = Date()
        _ = try await fail(throttle, "ada@example.com", "a", now: now)
        #expect(try await allowed(throttle, "ada@example.com", "a", now: now))
        #expect(try await fail(throttle, "ada@example.com", "b", now: now))
        #expect(try await fail(throttle, "x@example.com", "a", now: now))
        #expect(try await fail(throttle, "z@example.com", "a", now: now))
        #expect(try await !allowed(throttle, "y@example.com", "a", now: now))
    }

    @Test func attemptsInFlightCountAgainstTheLimit() async throws {
        // 40 attempts reserved before any has finished hashing: only the limit's worth get a place.
        let throttle = LoginThrottle(limits: .init(perAccount: 5, perAddress: 1000, window: 900), ledger: database.rates)
        let now = Date()
        var granted: [LoginThrottle.Reservation] = []
        var refused = 0
        for index in 0..<40 {
            switch try await throttle.reserve(account: "ada@example.com", address: "10.0.0.\(index)", now: now) {
            case .success(let reservation): granted.append(reservation)
            case .failure: refused += 1
            }
        }
        #expect(granted.count == 5)
        #expect(refused == 35)
        for reservation in granted { try await throttle.finish(reservation, succeeded: false, now: now) }
        #expect(try await !allowed(throttle, "ada@example.com", "10.9.9.9", now: now))
    }

    @Test func anAddressBurstIsRefusedToo() async throws {
        let throttle = LoginThrottle(limits: .init(perAccount: 1000, perAddress: 3, window: 900), ledger: database.rates)
        let now = Date()
        var granted = 0
        for index in 0..<12 {
            if case .success = try await throttle.reserve(account: "user\(index)@example.com", address: "203.0.113.9", now: now) { granted += 1 }
        }
        #expect(granted == 3)
    }

    @Test func aBrowserThatSignedInBeforeIsNotLockedOutByFailuresFromElsewhere() async throws {
        let throttle = LoginThrottle(ledger: database.rates)
        let now = Date()
        for index in 0..<5 { _ = try await fail(throttle, "ada@example.com", "198.51.100.\(index)", now: now) }
        #expect(try await !allowed(throttle, "ada@example.com", "203.0.113.1", now: now))
        #expect(try await allowed(throttle, "ada@example.com", "203.0.113.1", device: "laptop", now: now))
        // The device has a budget of its own: guessing from a stolen cookie is still limited.
        for _ in 0..<5 { _ = try await fail(throttle, "ada@example.com", "203.0.113.1", device: "laptop", now: now) }
        #expect(try await !allowed(throttle, "ada@example.com", "203.0.113.1", device: "laptop", now: now))
    }

    @Test func aCompletedResetEndsTheAccountsLock() async throws {
        let throttle = LoginThrottle(ledger: database.rates)
        let now = Date()
        for index in 0..<5 { _ = try await fail(throttle, "ada@example.com", "198.51.100.\(index)", now: now) }
        #expect(try await !allowed(throttle, "ada@example.com", "203.0.113.1", now: now))
        try await throttle.unlock(account: "ada@example.com")
        #expect(try await allowed(throttle, "ada@example.com", "203.0.113.1", now: now))
    }
}

@Suite struct ClientNetworkTests {
    @Test func ipv6AddressesAreCountedByTheirSlash64() {
        #expect(ClientNetwork.key("2001:db8:1:2:aaaa::1") == ClientNetwork.key("2001:db8:1:2:ffff:ffff:ffff:ffff"))
        #expect(ClientNetwork.key("2001:db8:1:2::1") == "2001:db8:1:2::/64")
        #expect(ClientNetwork.key("2001:db8:1:3::1") != ClientNetwork.key("2001:db8:1:2::1"))
        #expect(ClientNetwork.key("::ffff:203.0.113.7") == "203.0.113.7")
        #expect(ClientNetwork.key("203.0.113.7") == "203.0.113.7")
        #expect(ClientNetwork.key("unknown") == "unknown")
    }
}
