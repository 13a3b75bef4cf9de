import Testing

@testable import LecternStore

/// Closing a PostgreSQL database waits for its pool's task, but never for ever: a stop that hangs must not keep the
/// server from exiting on SIGTERM.
struct BoundedWaitTests {
    @Test func aTaskThatEndsIsWaitedFor() async {
        let task = Task<Int, Never> { 42 }
        #expect(await BoundedWait.until(task, atMost: .seconds(60)))
    }

    @Test func aTaskThatNeverEndsIsGivenUpAfterTheLimit() async {
        // A task waiting for what does not come, as a pool whose shutdown never completes (ended after the test).
        let (never, ending) = AsyncStream<Void>.makeStream()
        defer { ending.finish() }
        let stuck = Task<Void, Never> {
            for await _ in never {}
        }
        let began = ContinuousClock.now
        #expect(await BoundedWait.until(stuck, atMost: .milliseconds(50)) == false)
        #expect(ContinuousClock.now - began < .seconds(30))
    }
}
