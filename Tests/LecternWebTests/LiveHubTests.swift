import Foundation
import LecternCore
import LecternServices
import LecternStore
import LecternTestSupport
import Synchronization
import Testing

@testable import LecternWeb

/// Live delivery from the event log, without the transport: who may follow what, what a message says, resuming with a
/// last id, and the bounds (a slow client is cut off, connections and subscriptions are limited, a stop says 1001).
@Suite final class LiveHubTests {
    let site: TestSite
    let database: any SiteDatabase
    let feed: LiveFeed

    init() async throws {
        site = try TestSite()
        try site.writeCourse("tiny", title: "Tiny Course", featured: false, capacity: 3)
        try site.writeLesson("tiny", "01-only", title: "The only lesson")
        database = try await site.openDatabase()
        _ = try await database.content.sync(from: ContentLoader(root: site.content))
        feed = LiveFeed(database: database)
    }

    deinit { site.delete() }

    func user(_ name: String) async throws -> User {
        try await database.users.create(
            email: try EmailAddress("\(name.lowercased())@example.com"), name: name, passwordHash: "x", verified: true)
    }

    var course: CourseDetail {
        get async throws { try #require(try await database.courses.course(slug: "tiny")) }
    }

    /// What the hub has queued for a connection so far (the stream is read until it has nothing waiting).
    func drain(_ stream: inout AsyncStream<LiveHub.Output>.Iterator, expecting count: Int) async -> [LiveHub.Output] {
        var outputs: [LiveHub.Output] = []
        while outputs.count < count, let next = await stream.next() { outputs.append(next) }
        return outputs
    }

    func messages(_ outputs: [LiveHub.Output]) -> [LiveMessage] {
        outputs.compactMap { if case .message(let message, _) = $0 { message } else { nil } }
    }

    @Test func aCoursesFollowersHearOfASeatTakenButNotWhoTookIt() async throws {
        let hub = LiveHub()
        let (id, outputs) = try await hub.open(userID: nil, network: "n")
        try await hub.subscribe(id, to: try await feed.subscribe("course:tiny", as: nil), after: nil)
        let ada = try await user("Ada")
        _ = try await database.enrolments.enrol(userID: ada.id, courseID: try await course.id)
        try await hub.tick(feed)
        var stream = outputs.makeAsyncIterator()
        let message = try #require(messages(await drain(&stream, expecting: 1)).first)
        #expect(message.topic == "course:tiny" && message.event == "enrolment.created" && message.course == "tiny")
        #expect(message.availability == "open" && message.seatsLeft == 2)
        #expect(message.subject == nil, "a shared topic names no learner")
        let encoded = String(decoding: try JSONEncoder().encode(message), as: UTF8.self)
        #expect(!encoded.contains("Ada") && !encoded.contains("user") && !encoded.contains("subject"), "\(encoded)")
    }

    @Test func aCourseEventIsToldWithTheSeatsReadAfterIt() async throws {
        // The server keeps courses per write generation; here the generation moves only when the hub says it has read a
        // batch, as the change watcher moves it once it has seen the site revision those events moved.
        let generation = Mutex(0)
        let pages = PageCache(lifetime: .seconds(60), generation: { generation.withLock { $0 } })
        let feed = LiveFeed(database: database, catalogue: Catalogue(database: database, source: CourseDetailCache(pages: pages)))
        let hub = LiveHub()
        let (id, outputs) = try await hub.open(userID: nil, network: "n")
        try await hub.subscribe(id, to: try await feed.subscribe("course:tiny", as: nil), after: nil)
        let ada = try await user("Ada")
        _ = try await database.enrolments.enrol(userID: ada.id, courseID: try await course.id)
        try await hub.tick(feed) { generation.withLock { $0 += 1 } }
        var stream = outputs.makeAsyncIterator()
        let message = try #require(messages(await drain(&stream, expecting: 1)).first)
        #expect(message.availability == "open" && message.seatsLeft == 2, "not the 3 seats of the copy kept before Ada's enrolment")
    }

    @Test func onlyItsOwnerFollowsALearnersTopicAndOnlyInstructorsAQueue() async throws {
        let ada = try await user("Ada")
        let grace = try await user("Grace")
        _ = try await database.checkpoints.addInstructor(courseSlug: "tiny", email: grace.email)
        await #expect(throws: LiveRefusal.signInNeeded(.mine)) { _ = try await self.feed.subscribe("me", as: nil) }
        await #expect(throws: LiveRefusal.notAnInstructor("tiny")) { _ = try await self.feed.subscribe("reviews:tiny", as: ada) }
        await #expect(throws: LiveRefusal.unknownTopic("users:all")) { _ = try await self.feed.subscribe("users:all", as: ada) }
        await #expect(throws: CourseRefusal.noSuchCourse(slug: "nope")) { _ = try await self.feed.subscribe("course:nope", as: ada) }
        #expect(try await feed.subscribe("reviews:tiny", as: grace).topic == .reviews("tiny"))

        // Ada's topic carries Ada's events only.
        let hub = LiveHub()
        let (id, outputs) = try await hub.open(userID: ada.id, network: "n")
        try await hub.subscribe(id, to: try await feed.subscribe("me", as: ada), after: nil)
        let enrolments = database.enrolments
        _ = try await enrolments.enrol(userID: grace.id, courseID: try await course.id)
        _ = try await enrolments.enrol(userID: ada.id, courseID: try await course.id)
        try await hub.tick(feed)
        var stream = outputs.makeAsyncIterator()
        let mine = messages(await drain(&stream, expecting: 1))
        #expect(mine.map(\.event) == ["enrolment.created"] && mine.first?.topic == "me")
        #expect(await hub.position == (try await feed.newest()))
    }

    @Test func aReconnectingClientGetsExactlyWhatItMissedOnce() async throws {
        let hub = LiveHub()
        let ada = try await user("Ada")
        let subscription = try await feed.subscribe("me", as: ada)
        let (first, firstOutputs) = try await hub.open(userID: ada.id, network: "n")
        try await hub.subscribe(first, to: subscription, after: nil)
        let store = database.enrolments
        let courseID = try await course.id
        _ = try await store.enrol(userID: ada.id, courseID: courseID)
        try await hub.tick(feed)
        var stream = firstOutputs.makeAsyncIterator()
        let seen = try #require(messages(await drain(&stream, expecting: 1)).last?.id)
        await hub.close(first)

        // While Ada is away: she leaves and comes back (from another device, say).
        _ = try await store.leave(userID: ada.id, courseID: courseID)
        _ = try await store.enrol(userID: ada.id, courseID: courseID)
        try await hub.tick(feed)
        let (second, secondOutputs) = try await hub.open(userID: ada.id, network: "n")
        try await hub.subscribe(second, to: subscription, after: seen)
        _ = try await store.leave(userID: ada.id, courseID: courseID)
        try await hub.tick(feed)
        var resumed = secondOutputs.makeAsyncIterator()
        let caughtUp = messages(await drain(&resumed, expecting: 3))
        #expect(caughtUp.map(\.event) == ["enrolment.ended", "enrolment.created", "enrolment.ended"])
        #expect(caughtUp.map(\.id) == caughtUp.map(\.id).sorted() && Set(caughtUp.map(\.id)).count == 3 && caughtUp.allSatisfy { $0.id > seen })
    }

    @Test func aSecondSubscriptionResumesItselfOnly() async throws {
        let hub = LiveHub()
        let ada = try await user("Ada")
        let store = database.enrolments
        let courseID = try await course.id
        _ = try await store.enrol(userID: ada.id, courseID: courseID)
        _ = try await store.leave(userID: ada.id, courseID: courseID)
        try await hub.tick(feed)
        let (id, outputs) = try await hub.open(userID: ada.id, network: "n")
        // Following the course from now on, and Ada's own topic from before the enrolment.
        try await hub.subscribe(id, to: try await feed.subscribe("course:tiny", as: nil), after: nil)
        try await hub.subscribe(id, to: try await feed.subscribe("me", as: ada), after: 0)
        _ = try await store.enrol(userID: ada.id, courseID: courseID)
        try await hub.tick(feed)
        var stream = outputs.makeAsyncIterator()
        let got = messages(await drain(&stream, expecting: 4))
        let told = got.map { "\($0.topic) \($0.event)" }
        #expect(Array(told.prefix(2)) == ["me enrolment.created", "me enrolment.ended"], "what Ada's topic missed, first")
        #expect(Set(told.dropFirst(2)) == ["course:tiny enrolment.created", "me enrolment.created"] && told.count == 4,
            "the course topic replays nothing; the new event comes once on each topic")
    }

    @Test func aSlowClientIsCutOffWithoutHoldingUpTheOthers() async throws {
        let hub = LiveHub(limits: LiveLimits(queue: 3))
        let subscription = try await feed.subscribe("course:tiny", as: nil)
        let (slow, slowOutputs) = try await hub.open(userID: nil, network: "a")
        let (quick, quickOutputs) = try await hub.open(userID: nil, network: "b")
        try await hub.subscribe(slow, to: subscription, after: nil)
        try await hub.subscribe(quick, to: subscription, after: nil)
        var quickStream = quickOutputs.makeAsyncIterator()
        var received: [LiveMessage] = []
        for index in 0..<4 {
            try await database.courses.setCapacity(slug: "tiny", .some(10 + index)).map { _ in () }
            try await hub.tick(feed)
            received += messages(await drain(&quickStream, expecting: 1))
        }
        #expect(received.count == 4, "the client that reads gets everything")
        var slowStream = slowOutputs.makeAsyncIterator()
        let slowGot = await drain(&slowStream, expecting: 10)
        #expect(messages(slowGot).count == 3)
        #expect(slowGot.last == .close(code: LiveCloseCode.slowConsumer, reason: "Too slow to keep up; reconnect with your last id."))
        #expect(await hub.count == 1)
    }

    @Test func connectionsAndSubscriptionsAreBoundedAndAStopSaysComeBack() async throws {
        let hub = LiveHub(limits: LiveLimits(connectionsPerUser: 2, connectionsPerNetwork: 3, subscriptionsPerConnection: 1))
        let ada = try await user("Ada")
        _ = try await hub.open(userID: ada.id, network: "n")
        let (id, outputs) = try await hub.open(userID: ada.id, network: "n")
        await #expect(throws: LiveHub.Refusal.tooManyConnections) { _ = try await hub.open(userID: ada.id, network: "m") }
        _ = try await hub.open(userID: nil, network: "n")
        await #expect(throws: LiveHub.Refusal.tooManyConnections) { _ = try await hub.open(userID: nil, network: "n") }
        try await hub.subscribe(id, to: try await feed.subscribe("course:tiny", as: nil), after: nil)
        let another = try await feed.subscribe("me", as: ada)
        await #expect(throws: LiveHub.Refusal.tooManySubscriptions(1)) { try await hub.subscribe(id, to: another, after: nil) }

        await hub.shutDown()
        var stream = outputs.makeAsyncIterator()
        #expect(await stream.next() == .close(code: LiveCloseCode.goingAway, reason: "The server is restarting; reconnect in a moment."))
        #expect(await stream.next() == nil)
        #expect(await hub.count == 0)
    }

    @Test func aClientAwayTooLongReloadsAndOneStillCatchingUpStandsAtItsLastID() async throws {
        var limits = LiveLimits()
        limits.catchUp = 2
        let hub = LiveHub(limits: limits)
        let enrolments = database.enrolments
        for name in ["Ada", "Grace", "Alan"] { _ = try await enrolments.enrol(userID: try await user(name).id, courseID: try await course.id) }
        try await hub.tick(feed)
        let newest = try await feed.newest()
        let subscription = try await feed.subscribe("course:tiny", as: nil)

        let (away, _) = try await hub.open(userID: nil, network: "n")
        #expect(try await hub.subscribe(away, to: subscription, after: newest - 3) == LiveHub.Standing(position: newest, reset: true))

        let (back, outputs) = try await hub.open(userID: nil, network: "n")
        #expect(try await hub.subscribe(back, to: subscription, after: newest - 1) == LiveHub.Standing(position: newest - 1))
        #expect(try await hub.subscribe(back, to: subscription, after: nil) == LiveHub.Standing(position: newest - 1), "taken again: unchanged")
        try await hub.tick(feed)
        var stream = outputs.makeAsyncIterator()
        #expect(messages(await drain(&stream, expecting: 1)).map(\.id) == [newest])
    }
}
