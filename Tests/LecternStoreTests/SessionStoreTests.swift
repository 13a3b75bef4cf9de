import Foundation
import LecternCore
import LecternStore
import LecternTestSupport
import Testing

@Suite final class SessionStoreTests: StoreSuite {
    func user() async throws -> User {
        try await database.users.create(email: try EmailAddress("ada@example.com"), name: "Ada", passwordHash: "$argon2id$x", verified: true)
    }

    @Test func onlyTheHashOfTheIdIsStored() async throws {
        let sessions = database.sessions
        let (id, record) = try await sessions.create(userID: nil, userAgent: "test", clientAddress: "127.0.0.1")
        #expect(record.idHash == SecretToken.hash(id))
        #expect(try await sessions.find(id: id)?.idHash == record.idHash)
        #expect(try await sessions.find(id: record.idHash) == nil)
    }

    @Test func idleSessionsExpire() async throws {
        let sessions = database.sessions(lifetime: SessionLifetime(idle: 3600, absolute: 86_400))
        let start = Date()
        let (id, _) = try await sessions.create(userID: try await user().id, userAgent: "", clientAddress: "", now: start)
        #expect(try await sessions.find(id: id, now: start.addingTimeInterval(3000)) != nil)
        // Being used pushes the idle deadline on.
        #expect(try await sessions.find(id: id, now: start.addingTimeInterval(6000)) != nil)
        #expect(try await sessions.find(id: id, now: start.addingTimeInterval(6000 + 3601)) == nil)
    }

    @Test func sessionsEndAtTheAbsoluteLimitHoweverBusy() async throws {
        let sessions = database.sessions(lifetime: SessionLifetime(idle: 3600, absolute: 3 * 3600))
        let start = Date()
        let (id, _) = try await sessions.create(userID: try await user().id, userAgent: "", clientAddress: "", now: start)
        for hour in 1...2 {
            #expect(try await sessions.find(id: id, now: start.addingTimeInterval(Double(hour) * 3000)) != nil)
        }
        #expect(try await sessions.find(id: id, now: start.addingTimeInterval(3 * 3600 + 1)) == nil)
    }

    @Test func pruningRemovesOnlyExpiredSessions() async throws {
        let sessions = database.sessions(lifetime: SessionLifetime(idle: 3600, absolute: 86_400))
        let now = Date()
        _ = try await sessions.create(userID: nil, userAgent: "", clientAddress: "", now: now.addingTimeInterval(-7200))
        let (live, _) = try await sessions.create(userID: nil, userAgent: "", clientAddress: "", now: now)
        #expect(try await sessions.prune(now: now) == 1)
        #expect(try await sessions.find(id: live, now: now) != nil)
    }

    @Test func anonymousFormSessionsExpireSooner() async throws {
        let sessions = database.sessions(lifetime: SessionLifetime(idle: 86_400, absolute: 7 * 86_400, anonymousIdle: 3600))
        let start = Date()
        let (anonymous, _) = try await sessions.create(userID: nil, userAgent: "", clientAddress: "", now: start)
        let (signedIn, _) = try await sessions.create(userID: try await user().id, userAgent: "", clientAddress: "", now: start)
        #expect(try await sessions.find(id: anonymous, now: start.addingTimeInterval(3601)) == nil)
        #expect(try await sessions.find(id: signedIn, now: start.addingTimeInterval(3601)) != nil)
        #expect(try await sessions.prune(now: start.addingTimeInterval(3601)) == 0)
    }
}
