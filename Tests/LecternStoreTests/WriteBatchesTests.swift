import Synchronization
import Testing

@testable import LecternStore

/// New places on PostgreSQL asked for while one is being written go together in the next statement: each caller
/// still gets its own answer, nobody waits when nothing is under way, and a batch never exceeds its maximum.
struct WriteBatchesTests {
    /// What each batch's write received, in order.
    final class Written: Sendable {
        private let batches = Mutex<[[Int]]>([])
        func record(_ batch: [Int]) { batches.withLock { $0.append(batch) } }
        var all: [[Int]] { batches.withLock { $0 } }
    }

    /// A write that holds its batch until `open` is called, so that others queue behind it.
    struct Gate {
        let stream: AsyncStream<Void>
        let opening: AsyncStream<Void>.Continuation
        init() { (stream, opening) = AsyncStream<Void>.makeStream() }
        func open() { opening.finish() }
        func wait() async { for await _ in stream {} }
    }

    /// Waits (without a timer) until `count` writes are queued for `key`.
    func queued(_ count: Int, for key: String, in batches: WriteBatches<String, Int, Int>) async {
        while batches.queued(key) < count { await Task.yield() }
    }

    @Test func aWriteAloneStartsAtOnceAndGetsItsOutcome() async throws {
        let batches = WriteBatches<String, Int, Int>(maximum: 10)
        let written = Written()
        let outcome = try await batches.submit(7, key: "course 1") { items in
            written.record(items)
            return items.map { $0 * 10 }
        }
        #expect(outcome == 70)
        #expect(written.all == [[7]])
        #expect(batches.queued("course 1") == 0)
    }

    @Test func writesAskedForMeanwhileGoTogetherInTheNextBatchEachWithItsOwnOutcome() async throws {
        let batches = WriteBatches<String, Int, Int>(maximum: 10)
        let written = Written()
        let gate = Gate()
        let write: @Sendable ([Int]) async throws -> [Int] = { items in
            written.record(items)
            if items == [1] { await gate.wait() }
            return items.map { $0 * 10 }
        }
        let first = Task { try await batches.submit(1, key: "course 1", write: write) }
        while written.all.isEmpty { await Task.yield() }
        let others = (2...4).map { item in Task { try await batches.submit(item, key: "course 1", write: write) } }
        await queued(3, for: "course 1", in: batches)
        gate.open()
        #expect(try await first.value == 10)
        var outcomes: [Int] = []
        for other in others { outcomes.append(try await other.value) }
        #expect(outcomes == [20, 30, 40])
        #expect(written.all.count == 2)
        #expect(written.all.first == [1])
        #expect(written.all.last?.sorted() == [2, 3, 4])
    }

    @Test func anotherKeyDoesNotWaitForABatchUnderWay() async throws {
        let batches = WriteBatches<String, Int, Int>(maximum: 10)
        let started = Written()
        let gate = Gate()
        let held = Task {
            try await batches.submit(1, key: "course 1") { items in
                started.record(items)
                await gate.wait()
                return items
            }
        }
        while started.all.isEmpty { await Task.yield() }
        #expect(try await batches.submit(2, key: "course 2") { items in items.map { $0 + 1 } } == 3)
        gate.open()
        #expect(try await held.value == 1)
    }

    @Test func aBatchTakesAtMostItsMaximumAndTheRestGoInTheFollowingOnes() async throws {
        let batches = WriteBatches<String, Int, Int>(maximum: 2)
        let written = Written()
        let gate = Gate()
        let write: @Sendable ([Int]) async throws -> [Int] = { items in
            written.record(items)
            if items == [1] { await gate.wait() }
            return items
        }
        let first = Task { try await batches.submit(1, key: "course 1", write: write) }
        while written.all.isEmpty { await Task.yield() }
        var others: [Task<Int, any Error>] = []
        for item in 2...6 {
            others.append(Task { try await batches.submit(item, key: "course 1", write: write) })
            await queued(item - 1, for: "course 1", in: batches)
        }
        gate.open()
        _ = try await first.value
        for (index, other) in others.enumerated() { #expect(try await other.value == index + 2) }
        #expect(written.all == [[1], [2, 3], [4, 5], [6]])
    }

    struct Refused: Error {}

    @Test func anErrorReachesEveryWriteOfItsBatchAndTheNextBatchStillRuns() async throws {
        let batches = WriteBatches<String, Int, Int>(maximum: 10)
        let started = Written()
        let gate = Gate()
        let failing: @Sendable ([Int]) async throws -> [Int] = { items in
            guard items == [1] else { throw Refused() }
            started.record(items)
            await gate.wait()
            return items
        }
        let first = Task { try await batches.submit(1, key: "course 1", write: failing) }
        while started.all.isEmpty { await Task.yield() }
        let second = Task { try await batches.submit(2, key: "course 1", write: failing) }
        let third = Task { try await batches.submit(3, key: "course 1", write: failing) }
        await queued(2, for: "course 1", in: batches)
        gate.open()
        #expect(try await first.value == 1)
        await #expect(throws: Refused.self) { try await second.value }
        await #expect(throws: Refused.self) { try await third.value }
        #expect(try await batches.submit(4, key: "course 1") { $0 } == 4)
    }
}
