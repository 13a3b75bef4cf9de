import Foundation
import GRDB
import LecternCore
import LecternTestSupport
import Testing

@testable import LecternStore

/// Places by code, by approval and from the waitlist: the rules and the races.
@Suite final class PlacesStoreTests: StoreSuite {
    func course(capacity: Int?, enrolment: String = "open") async throws -> CourseDetail {
        try site.writeCourse("flask-certificate", capacity: capacity, enrolment: enrolment)
        try site.writeLesson("flask-certificate", "01-first-app")
        _ = try await database.content.sync(from: ContentLoader(root: site.content))
        return try #require(try await database.courses.course(slug: "flask-certificate"))
    }

    func users(_ count: Int, verified: Bool = true) async throws -> [User] {
        var users: [User] = []
        for index in 0..<count {
            users.append(
                try await database.users.create(
                    email: try EmailAddress("learner\(index)@example.com"), name: "Learner \(index)", passwordHash: "x", verified: verified))
        }
        return users
    }

    func count(_ sql: String) async throws -> Int {
        Int(try await database.raw.integers(raw: sql).first ?? 0)
    }

    // MARK: Access codes

    @Test func codesAreReadableAndUnguessable() {
        let code = AccessCode.make()
        #expect(code.count == 17)
        #expect(code.allSatisfy { $0 == "-" || AccessCode.alphabet.contains($0) })
        #expect(!code.contains { "01OILU".contains($0) })
        #expect(AccessCode.bits > 60)
        #expect(AccessCode.normalize(code.lowercased().replacingOccurrences(of: "-", with: " ")) == code)
        #expect(AccessCode.normalize("0OOOO-IIIII-LLLLL") == nil)
        #expect(Set((0..<1000).map { _ in AccessCode.make() }).count == 1000)
    }

    @Test func fiftyConcurrentRedemptionsForTenSeatsEnrolExactlyTenAndUseNoCodeTwice() async throws {
        let course = try await course(capacity: 10, enrolment: "code")
        let learners = try await users(50)
        let codes = database.accessCodes
        // 30 single-use codes for 50 learners: some learners race for the same code.
        let made = try await codes.create(courseID: course.id, count: 30)
        let outcomes = try await withThrowingTaskGroup(of: Result<PlaceOutcome, AccessCodeProblem>.self) { group in
            for (index, learner) in learners.enumerated() {
                group.addTask { try await codes.redeem(made[index % 30].code, userID: learner.id, courseID: course.id) }
            }
            var all: [Result<PlaceOutcome, AccessCodeProblem>] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes.filter { $0 == .success(.enrolled) }.count == 10)
        #expect(outcomes.filter { if case .success(.waitlisted) = $0 { true } else { false } }.count == 20, "a paid place waits for a seat")
        #expect(outcomes.filter { $0 == .failure(.used) }.count == 20)
        #expect(try await count("SELECT count(*) FROM enrolment") == 10)
        #expect(try await count("SELECT count(*) FROM access_code WHERE uses > 1") == 0)
        #expect(try await count("SELECT count(*) FROM code_redemption") == 30)
        #expect(try await count("SELECT CAST(coalesce(sum(uses), 0) AS BIGINT) FROM access_code") == 30)
    }

    @Test func eachCodeProblemHasItsOwnAnswerAndUsesNothingUp() async throws {
        let course = try await course(capacity: 5, enrolment: "code")
        let learners = try await users(3)
        let codes = database.accessCodes
        let now = Date()
        let expired = try await codes.create(courseID: course.id, count: 1, expiresAt: now.addingTimeInterval(3600))[0].code
        let revoked = try await codes.create(courseID: course.id, count: 1)[0].code
        let shared = try await codes.create(courseID: course.id, count: 1, usesPerCode: 2)[0].code
        #expect(try await codes.revoke(revoked) == true)
        #expect(try await codes.revoke(revoked) == false)
        #expect(try await codes.revoke("NOPE") == nil)

        #expect(try await codes.redeem("22222-22222-22222", userID: learners[0].id, courseID: course.id) == .failure(.unknown))
        #expect(try await codes.redeem("not a code", userID: learners[0].id, courseID: course.id) == .failure(.unknown))
        #expect(try await codes.redeem(revoked, userID: learners[0].id, courseID: course.id) == .failure(.revoked))
        let later = now.addingTimeInterval(7200)
        guard case .failure(.expired) = try await codes.redeem(expired, userID: learners[0].id, courseID: course.id, now: later) else {
            Issue.record("an expired code must say so")
            return
        }
        #expect(try await count("SELECT CAST(coalesce(sum(uses), 0) AS BIGINT) FROM access_code") == 0)
        #expect(try await codes.redeem(shared.lowercased(), userID: learners[0].id, courseID: course.id) == .success(.enrolled))
        #expect(try await codes.redeem(shared, userID: learners[0].id, courseID: course.id) == .success(.alreadyEnrolled))
        #expect(try await codes.redeem(shared, userID: learners[1].id, courseID: course.id) == .success(.enrolled))
        #expect(try await codes.redeem(shared, userID: learners[2].id, courseID: course.id) == .failure(.used))
        let shown = try #require(try await codes.show(shared))
        #expect(shown.redeemedBy.map(\.email) == ["learner0@example.com", "learner1@example.com"])
        #expect(shown.state(at: now) == "used up")
    }

    @Test func aCodeCourseCannotBeEnrolledInWithoutACode() async throws {
        let course = try await course(capacity: 5, enrolment: "code")
        let learner = try await users(1)[0]
        #expect(try await database.enrolments.enrol(userID: learner.id, courseID: course.id) == .needs(.code))
        #expect(try await database.enrolments.enrol(userID: learner.id, courseID: course.id, byOperator: true) == .enrolled)
    }

    @Test func leavingTheWaitlistGivesTheCodeItsUseBack() async throws {
        let course = try await course(capacity: 1, enrolment: "code")
        let learners = try await users(2)
        let codes = database.accessCodes
        let made = try await codes.create(courseID: course.id, count: 2)
        #expect(try await codes.redeem(made[0].code, userID: learners[0].id, courseID: course.id) == .success(.enrolled))
        #expect(try await codes.redeem(made[1].code, userID: learners[1].id, courseID: course.id) == .success(.waitlisted(position: 1)))
        #expect(try await database.waitlists.leave(userID: learners[1].id, courseID: course.id))
        #expect(try await codes.show(made[1].code)?.uses == 0)
        #expect(try await codes.show(made[1].code)?.redeemedBy.isEmpty == true)
    }

    @Test func codesGiveNoPlaceOnACourseThatIsNotSoldByCode() async throws {
        let course = try await course(capacity: 5, enrolment: "approval")
        let learner = try await users(1)[0]
        let codes = database.accessCodes
        let code = try await codes.create(courseID: course.id, count: 1)[0].code
        #expect(try await codes.redeem(code, userID: learner.id, courseID: course.id) == .success(.needs(.approval)))
        #expect(try await codes.show(code)?.uses == 0)
        #expect(try await database.waitlists.join(userID: learner.id, courseID: course.id) == .needs(.approval))
    }

    // MARK: Waitlists

    @Test func deletingAnAccountGivesItsSeatToTheFirstInLine() async throws {
        let course = try await course(capacity: 1)
        let learners = try await users(2)
        _ = try await database.enrolments.enrol(userID: learners[0].id, courseID: course.id)
        #expect(try await database.waitlists.join(userID: learners[1].id, courseID: course.id) == .waitlisted(position: 1))
        _ = try await database.users.delete(userID: learners[0].id)
        let enrolled = try await database.raw.integers(raw: "SELECT user_id FROM enrolment ORDER BY user_id")
        #expect(enrolled == [learners[1].id])
    }

    @Test func aNewcomerNeverTakesASeatAheadOfThoseWaiting() async throws {
        let course = try await course(capacity: 1)
        let learners = try await users(3)
        _ = try await database.enrolments.enrol(userID: learners[0].id, courseID: course.id)
        _ = try await database.waitlists.join(userID: learners[1].id, courseID: course.id)
        // A seat frees behind the stores' backs (as a passing date or a removed row would): the queue is served first.
        try await database.raw.execute(raw: "DELETE FROM enrolment")
        #expect(try await database.enrolments.enrol(userID: learners[2].id, courseID: course.id) == .refused(.full))
        let enrolled = try await database.raw.integers(raw: "SELECT user_id FROM enrolment ORDER BY user_id")
        #expect(enrolled == [learners[1].id])
    }

    @Test func aSeatReleasedWhileTwentyWaitPromotesExactlyTheFirst() async throws {
        let course = try await course(capacity: 1)
        let learners = try await users(21)
        let enrolments = database.enrolments
        let waitlists = database.waitlists
        #expect(try await enrolments.enrol(userID: learners[0].id, courseID: course.id) == .enrolled)
        for (index, learner) in learners.dropFirst().enumerated() {
            #expect(try await waitlists.join(userID: learner.id, courseID: course.id) == .waitlisted(position: index + 1))
        }
        // Everyone races for the freed seat at once: the leave and twenty more join attempts.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await enrolments.leave(userID: learners[0].id, courseID: course.id) }
            for learner in learners.dropFirst() { group.addTask { _ = try await waitlists.join(userID: learner.id, courseID: course.id) } }
            try await group.waitForAll()
        }
        let enrolled = try await database.raw.integers(raw: "SELECT user_id FROM enrolment ORDER BY user_id")
        #expect(enrolled == [learners[1].id])
        let queue = try await waitlists.entries(courseID: course.id)
        #expect(queue.count == 19)
        #expect(queue.first?.email == "learner2@example.com")
        #expect(queue.map(\.position) == Array(1...19))
        #expect(try await count("SELECT count(*) FROM event WHERE kind = 'waitlist.promoted'") == 1)
        let promotion = try await waitlists.promotion(userID: learners[1].id, courseID: course.id)
        #expect(promotion?.isEnrolled == true)
    }

    @Test func raisingTheCapacityFillsTheNewSeatsFromTheWaitlist() async throws {
        let course = try await course(capacity: 1)
        let learners = try await users(4)
        #expect(try await database.enrolments.enrol(userID: learners[0].id, courseID: course.id) == .enrolled)
        for learner in learners.dropFirst() { _ = try await database.waitlists.join(userID: learner.id, courseID: course.id) }
        #expect(try await database.courses.setCapacity(slug: "flask-certificate", .some(3)) == true)
        #expect(try await count("SELECT count(*) FROM enrolment") == 3)
        #expect(try await database.waitlists.entries(courseID: course.id).map(\.email) == ["learner3@example.com"])
    }

    // MARK: Approval

    @Test func aPendingRequestHoldsASeatAndApprovalEnrolsOnIt() async throws {
        let course = try await course(capacity: 1, enrolment: "approval")
        let learners = try await users(3)
        let requests = database.enrolmentRequests
        #expect(try await database.enrolments.enrol(userID: learners[0].id, courseID: course.id) == .needs(.approval))
        #expect(try await requests.request(userID: learners[0].id, courseID: course.id, note: "PO 4417") == .requested)
        #expect(try await requests.request(userID: learners[0].id, courseID: course.id, note: "again") == .requested, "asking twice changes nothing")
        // The seat is held: the next request waits for one.
        #expect(try await requests.request(userID: learners[1].id, courseID: course.id, note: "Scholarship") == .waitlisted(position: 1))
        #expect(try await database.courses.course(slug: "flask-certificate")?.availability(at: Date()) == .full(waiting: 1))
        await #expect(throws: EnrolmentRequestError.waitingForSeat(position: 1)) {
            try await requests.approve(userID: learners[1].id, courseID: course.id, reason: nil)
        }
        await #expect(throws: EnrolmentRequestError.noRequest) { try await requests.approve(userID: learners[2].id, courseID: course.id, reason: nil) }
        let approved = try await requests.approve(userID: learners[0].id, courseID: course.id, reason: "Funded by Acme")
        #expect(approved.status == .approved)
        #expect(approved.reason == "Funded by Acme")
        #expect(try await count("SELECT count(*) FROM enrolment") == 1)
        #expect(try await count("SELECT count(*) FROM event WHERE kind = 'request.decided'") == 1)
    }

    @Test func aDeclinedRequestFreesItsSeatForTheNextRequestWhichBecomesPending() async throws {
        let course = try await course(capacity: 1, enrolment: "approval")
        let learners = try await users(2)
        let requests = database.enrolmentRequests
        _ = try await requests.request(userID: learners[0].id, courseID: course.id, note: "")
        _ = try await requests.request(userID: learners[1].id, courseID: course.id, note: "My employer pays")
        let declined = try await requests.decline(userID: learners[0].id, courseID: course.id, reason: "Prerequisites missing")
        #expect(declined.status == .declined)
        let pending = try await requests.pending(courseID: course.id)
        #expect(pending.map(\.learnerEmail) == ["learner1@example.com"])
        #expect(pending.first?.note == "My employer pays")
        #expect(try await database.waitlists.promotion(userID: learners[1].id, courseID: course.id)?.isEnrolled == false)
        // Withdrawing frees the seat again; nobody waits, so it stays free.
        #expect(try await requests.withdraw(userID: learners[1].id, courseID: course.id))
        #expect(try await requests.pending(courseID: course.id).isEmpty)
        #expect(try await database.courses.course(slug: "flask-certificate")?.seatsLeft == 1)
    }

    // MARK: Verified addresses

    @Test func aCertificateWaitsForAVerifiedAddressAndIsIssuedWhenItIs() async throws {
        let course = try await course(capacity: nil)
        let learner = try await users(1, verified: false)[0]
        let enrolments = database.enrolments
        _ = try await enrolments.enrol(userID: learner.id, courseID: course.id)
        let lesson = try #require(course.lessons.first)
        #expect(try await enrolments.complete(userID: learner.id, courseID: course.id, lessonID: lesson.id, learnerName: learner.name) == nil)
        #expect(try await enrolments.certificates(of: learner.id).isEmpty)
        let verifications = database.verifications
        let token = try #require(try await verifications.create(userID: learner.id))
        #expect(try await verifications.pendingAddress(forToken: token) == "learner0@example.com")
        #expect(try await verifications.verify(token: token)?.isEmailVerified == true)
        #expect(try await verifications.verify(token: token) == nil, "a link works once")
        #expect(try await enrolments.certificates(of: learner.id).count == 1)
        #expect(try await verifications.create(userID: learner.id) == nil, "nothing to send to a verified address")
    }

    @Test func aVerificationLinkExpiresAfterFortyEightHoursAndANewOneReplacesIt() async throws {
        let learner = try await users(1, verified: false)[0]
        let verifications = database.verifications
        let now = Date()
        let first = try #require(try await verifications.create(userID: learner.id, now: now))
        let second = try #require(try await verifications.create(userID: learner.id, now: now))
        #expect(try await verifications.verify(token: first, now: now) == nil)
        #expect(try await verifications.verify(token: second, now: now.addingTimeInterval(48 * 3600 + 1)) == nil)
        #expect(try await verifications.verify(token: second, now: now.addingTimeInterval(47 * 3600))?.id == learner.id)
    }
}
