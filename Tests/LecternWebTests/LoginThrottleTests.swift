import Foundation
import Testing

@testable import LecternWeb

@Suite struct LoginThrottleTests {
    @Test func oneAddressTryingManyAccountsIsSlowedToo() async {
        let throttle = LoginThrottle()
        let now = Date()
        for index in 0..<30 {
            #expect(await throttle.retryAfter(account: "user\(index)@example.com", address: "203.0.113.7", now: now) == nil)
            await throttle.recordFailure(account: "user\(index)@example.com", address: "203.0.113.7", now: now)
        }
        #expect(await throttle.retryAfter(account: "fresh@example.com", address: "203.0.113.7", now: now) != nil)
        #expect(await throttle.retryAfter(account: "fresh@example.com", address: "198.51.100.1", now: now) == nil)
    }

    @Test func theWaitEndsWhenTheWindowHasPassed() async {
        let throttle = LoginThrottle()
        let start = Date()
        for _ in 0..<5 { await throttle.recordFailure(account: "ada@example.com", address: "a", now: start) }
        let wait = await throttle.retryAfter(account: "ada@example.com", address: "b", now: start.addingTimeInterval(60))
        #expect(abs((wait ?? 0) - (15 * 60 - 60)) < 0.001)
        #expect(await throttle.retryAfter(account: "ada@example.com", address: "b", now: start.addingTimeInterval(15 * 60 + 1)) == nil)
    }

    @Test func aSuccessClearsTheAccountButNotTheAddress() async {
        let throttle = LoginThrottle(limits: .init(perAccount: 2, perAddress: 3, window: 900))
        let now = Date()
        for _ in 0..<2 { await throttle.recordFailure(account: "ada@example.com", address: "a", now: now) }
        await throttle.recordSuccess(account: "ada@example.com")
        #expect(await throttle.retryAfter(account: "ada@example.com", address: "b", now: now) == nil)
        await throttle.recordFailure(account: "x@example.com", address: "a", now: now)
        #expect(await throttle.retryAfter(account: "y@example.com", address: "a", now: now) != nil)
    }
}
