import Foundation
import LecternCore
import LecternTestSupport
import Synchronization
import Testing

@testable import LecternStore

/// What signed-in pages read on PostgreSQL is kept only while nothing was written anywhere, the change listener
/// listens, and for at most its lifetime.
struct RecentReadsTests {
    /// A clock the test moves by hand.
    final class Hands: Sendable {
        private let offset = Mutex(Duration.zero)
        private let start = ContinuousClock.now
        func now() -> ContinuousClock.Instant { start + offset.withLock { $0 } }
        func move(_ duration: Duration) { offset.withLock { $0 += duration } }
    }

    private func listeningReads(_ hands: Hands, capacity: Int = 100) -> RecentReads {
        // This process's other writes (tests run side by side) are left out: each test says what is written.
        let reads = RecentReads(lifetime: .seconds(1), capacity: capacity, now: { hands.now() }, processWrites: { 0 })
        reads.setListening(true)
        return reads
    }

    @Test func aReadIsKeptUntilItsLifetimeEnds() throws {
        let hands = Hands()
        let reads = listeningReads(hands)
        reads.keep("Ada", as: "session 1", stamp: try #require(reads.stamp()))
        hands.move(.milliseconds(999))
        #expect(reads.kept("session 1", as: String.self) == "Ada")
        hands.move(.milliseconds(1))
        #expect(reads.kept("session 1", as: String.self) == nil)
    }

    @Test func anyWriteForgetsEverything() throws {
        let reads = listeningReads(Hands())
        reads.keep("Ada", as: "session 1", stamp: try #require(reads.stamp()))
        reads.forgetAll()
        #expect(reads.kept("session 1", as: String.self) == nil)
    }

    @Test func readsOfAnOlderGenerationAreDroppedWhenANewOneIsKept() throws {
        let reads = listeningReads(Hands())
        reads.keep("Ada", as: "session 1", stamp: try #require(reads.stamp()))
        reads.keep("Grace", as: "session 2", stamp: try #require(reads.stamp()))
        reads.forgetAll()
        reads.keep("Ada", as: "session 1", stamp: try #require(reads.stamp()))
        #expect(reads.count == 1)
    }

    @Test func aWriteThroughAnotherDatabaseOfThisProcessIsSeenAtOnce() throws {
        let writes = Mutex(0)
        let reads = RecentReads(processWrites: { writes.withLock { $0 } })
        reads.setListening(true)
        reads.keep("Ada", as: "session 1", stamp: try #require(reads.stamp()))
        #expect(reads.kept("session 1", as: String.self) == "Ada")
        writes.withLock { $0 += 1 }
        #expect(reads.kept("session 1", as: String.self) == nil)
    }

    @Test func aReadDuringAWriteIsNotKept() throws {
        let reads = listeningReads(Hands())
        let stamp = try #require(reads.stamp())
        reads.forgetAll()  // a write commits while the read runs: what it read may predate it
        reads.keep("Ada", as: "session 1", stamp: stamp)
        #expect(reads.kept("session 1", as: String.self) == nil)
    }

    @Test func nothingIsKeptOrUsedWhileTheListenerIsNotListening() throws {
        let reads = listeningReads(Hands())
        reads.keep("Ada", as: "session 1", stamp: try #require(reads.stamp()))
        reads.setListening(false)
        #expect(reads.kept("session 1", as: String.self) == nil)
        #expect(reads.stamp() == nil)
        reads.setListening(true)
        #expect(reads.kept("session 1", as: String.self) == nil)
    }

    @Test func pastItsCapacityItStartsAfresh() throws {
        let reads = listeningReads(Hands(), capacity: 3)
        for number in 0..<3 { reads.keep(number, as: "key \(number)", stamp: try #require(reads.stamp())) }
        #expect(reads.count == 3)
        reads.keep(3, as: "key 3", stamp: try #require(reads.stamp()))
        #expect(reads.count == 1)
        #expect(reads.kept("key 3", as: Int.self) == 3)
    }
}

/// Two instances on one PostgreSQL database: a signed-in read kept by one is forgotten when the other writes.
@Suite(.enabled(if: TestPostgres.serverURL != nil, "needs LECTERN_TEST_POSTGRES_URL (scripts/test sets it)"))
struct RecentReadsAcrossInstancesTests {
    // The limit ends a hang (an announcement never heard); with every test at once on 2 cores this one can take 90 s.
    @Test(.timeLimit(.minutes(3))) func aSignOutOnAnotherInstanceEndsTheSessionEverywhere() async throws {
        try await TestPostgres.withDatabase { first in
            let second = try await PostgresSiteDatabase.open(url: first.url)
            defer { Task { try? await second.close() } }
            // The first instance listens, as a serving instance does (its change watcher observes the event log).
            let heard = AsyncStream<Void>.makeStream()
            let observation = PostgresEventLog(database: first).observeAppends { heard.continuation.yield() }
            defer { observation.cancel() }
            var told = heard.stream.makeAsyncIterator()
            await told.next()

            let user = try await PostgresUserStore(database: first).create(
                email: try EmailAddress("ada@example.com"), name: "Ada", passwordHash: "x", role: .learner, verified: true, now: Date())
            let lifetime = SessionLifetime(idle: 3600, absolute: 86_400)
            let here = PostgresSessionStore(database: first, lifetime: lifetime)
            let there = PostgresSessionStore(database: second, lifetime: lifetime)
            let (id, record) = try await here.create(userID: user.id, userAgent: "Firefox", clientAddress: "127.0.0.1", now: Date())
            #expect(try await here.find(id: id)?.userAgent == "Firefox")

            // A sign-out on the other instance is announced, and the session ends here too.
            let before = first.recentReads.generation
            try await there.delete(idHash: record.idHash)
            await first.recentReads.forgotten(since: before)
            #expect(try await here.find(id: id) == nil)
        }
    }

    @Test func anInstanceThatDoesNotListenKeepsNothing() async throws {
        try await TestPostgres.withDatabase { database in
            let user = try await PostgresUserStore(database: database).create(
                email: try EmailAddress("ada@example.com"), name: "Ada", passwordHash: "x", role: .learner, verified: true, now: Date())
            let sessions = PostgresSessionStore(database: database, lifetime: SessionLifetime(idle: 3600, absolute: 86_400))
            let (id, _) = try await sessions.create(userID: user.id, userAgent: "Firefox", clientAddress: "127.0.0.1", now: Date())
            #expect(try await sessions.find(id: id) != nil)
            #expect(database.recentReads.count == 0)
        }
    }
}
