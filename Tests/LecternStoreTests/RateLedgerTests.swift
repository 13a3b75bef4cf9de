import Foundation
@testable import LecternStore
import LecternTestSupport
import Testing

/// The rate ledger's contract: limits hold under concurrent markings, pending marks count until settled, and only
/// counted marks are cleared.
@Suite final class RateLedgerTests: StoreSuite {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func check(_ key: String, limit: Int = 3, window: TimeInterval = 600) -> RateCheck {
        RateCheck(key: key, limit: limit, window: window)
    }

    @Test func aBurstMarkedAtOnceGetsExactlyTheLimit() async throws {
        let rates = database.rates
        let now = now
        let granted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<40 {
                group.addTask {
                    let checks = [RateCheck(key: "account:ada", limit: 10, window: 600), RateCheck(key: "address:\(index % 4)", limit: 1000, window: 600)]
                    if case .success = try await rates.mark(checks, pending: index % 2 == 0, now: now) { return true }
                    return false
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(granted == 10)
    }

    @Test func theWaitEndsWhenTheMarkThatFillsTheLimitLeavesTheWindow() async throws {
        for offset in 0..<3 { _ = try await database.rates.mark([check("k")], pending: false, now: now.addingTimeInterval(Double(offset) * 10)) }
        let later = now.addingTimeInterval(100)
        guard case .failure(let wait) = try await database.rates.mark([check("k")], pending: false, now: later) else {
            Issue.record("a fourth mark within the window was allowed")
            return
        }
        #expect(abs(wait.seconds - 500) < 0.01)
        #expect(try await database.rates.mark([check("k")], pending: false, now: now.addingTimeInterval(601)).isAllowed)
    }

    @Test func aRefusalMarksNothingUnderAnyKey() async throws {
        for _ in 0..<3 { _ = try await database.rates.mark([check("full")], pending: false, now: now) }
        #expect(try await !database.rates.mark([check("full"), check("empty", limit: 1)], pending: false, now: now).isAllowed)
        #expect(try await database.rates.mark([check("empty", limit: 1)], pending: false, now: now).isAllowed)
    }

    @Test func pendingMarksCountUntilSettledAndOnlyCountedOnesStay() async throws {
        let rates = database.rates
        guard case .success(let first) = try await rates.mark([check("p", limit: 2)], pending: true, now: now),
            case .success(let second) = try await rates.mark([check("p", limit: 2)], pending: true, now: now)
        else {
            Issue.record("two pending marks under a limit of two were refused")
            return
        }
        // Only attempts in flight fill the limit: a short wait.
        guard case .failure(let wait) = try await rates.mark([check("p", limit: 2)], pending: true, now: now) else {
            Issue.record("a third mark was allowed while two were pending")
            return
        }
        #expect(wait.seconds == RateRules.inFlightWait)
        try await rates.settle(first, counted: false, now: now)
        try await rates.settle(second, counted: true, now: now)
        #expect(try await rates.mark([check("p", limit: 2)], pending: false, now: now).isAllowed)
        #expect(try await !rates.mark([check("p", limit: 2)], pending: false, now: now).isAllowed)
    }

    @Test func aPendingMarkNeverSettledStopsCountingAfterItsLife() async throws {
        _ = try await database.rates.mark([check("orphan", limit: 1)], pending: true, now: now)
        #expect(try await !database.rates.mark([check("orphan", limit: 1)], pending: false, now: now.addingTimeInterval(1)).isAllowed)
        #expect(try await database.rates.mark([check("orphan", limit: 1)], pending: false, now: now.addingTimeInterval(RateRules.pendingLife + 1)).isAllowed)
    }

    @Test func clearingForgetsCountedMarksButNotAttemptsInFlight() async throws {
        _ = try await database.rates.mark([check("c", limit: 2)], pending: false, now: now)
        _ = try await database.rates.mark([check("c", limit: 2)], pending: true, now: now)
        try await database.rates.clear(key: "c")
        #expect(try await database.rates.mark([check("c", limit: 2)], pending: false, now: now).isAllowed)
        #expect(try await !database.rates.mark([check("c", limit: 2)], pending: false, now: now).isAllowed)
    }

    @Test func pruningForgetsOnlyOldMarks() async throws {
        _ = try await database.rates.mark([check("old")], pending: false, now: now.addingTimeInterval(-90_000))
        _ = try await database.rates.mark([check("new")], pending: false, now: now)
        #expect(try await database.rates.prune(olderThan: 86_400, now: now) == 1)
        #expect(try await database.raw.integers(raw: "SELECT count(*) FROM rate_mark") == [1])
    }
}

extension Result where Success == [RateMark], Failure == RateWait {
    var isAllowed: Bool {
        if case .success = self { return true }
        return false
    }
}
