import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternCore
@testable import LecternStore
import LecternTestSupport
import Logging
import Testing

@testable import LecternWeb

/// Mail about checkpoints: the learner hears of every review once, from the web or the CLI, and each instructor gets
/// one digest a day of what waits for them.
@Suite final class ReviewMailTests {
    let site: TestSite
    static let checkpoint = CheckpointReviewTests.checkpoint

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        try site.writeLesson(CheckpointReviewTests.course, "01-first-app")
        try site.writeFile(
            "courses/\(CheckpointReviewTests.course)/lessons/02-checkpoint.md",
            "---\ntitle: \"Checkpoint\"\nmodule: Data\nkind: checkpoint\n---\nBuild the catalogue and send a link to it.\n")
    }

    deinit { site.delete() }

    func mailer() async throws -> (ReviewMailer, OutboxStore) {
        let database = try await site.openDatabase()
        let outbox = database.outbox
        let mailer = ReviewMailer(
            events: database.events, checkpoints: database.checkpoints, mail: OutboxMailTransport(outbox: outbox),
            ledger: database.mailLedger, verifications: database.verifications, siteName: "Lectern Academy", baseURL: "https://academy.example",
            dates: DateText(timeZone: TimeZone(identifier: "UTC")!), digestHour: 7, logger: Logger(label: "test"))
        return (mailer, outbox)
    }

    /// Ada sends work to the checkpoint; Maya teaches the course. Returns the submission's id.
    static func sendWork(_ client: some TestClientProtocol, site: TestSite) async throws -> (maya: Browser, reviewURL: String) {
        var ada = try await CheckpointReviewTests.learner(client, "ada@example.com", "Ada Lovelace")
        var maya = try await CheckpointReviewTests.learner(client, "maya@example.com", "Maya Okafor")
        // Only verified addresses receive notices and digests.
        _ = try await ada.verifyEmail(client, site: site, email: "ada@example.com")
        _ = try await maya.verifyEmail(client, site: site, email: "maya@example.com")
        try await CheckpointReviewTests.makeInstructor("maya@example.com", in: site)
        let page = try await ada.get(client, Self.checkpoint)
        _ = try await ada.post(client, "\(Self.checkpoint)/submissions", [("_csrf", page.csrf ?? ""), ("text", "My catalogue."), ("link", "")])
        let queue = try await maya.get(client, "/review")
        let url = try #require(queue.body.firstMatch(of: /href="(\/review\/\d+)"/).map { String($0.1) })
        return (maya, url)
    }

    @Test func aReviewOnTheWebIsMailedToTheLearnerOnce() async throws {
        let (mailer, outbox) = try await mailer()
        let site = self.site
        try await makeApp(site).test(.router) { client in
            var (maya, url) = try await Self.sendWork(client, site: site)
            let item = try await maya.get(client, url)
            _ = try await maya.post(client, url, [("_csrf", item.csrf ?? ""), ("decision", "return"), ("feedback", "Add a test for the 404 page.")])
        }
        let messages = try await outbox.messages().filter { $0.recipient == "ada@example.com" && $0.subject.contains("checkpoint") }
        #expect(messages.map(\.subject) == ["Your checkpoint “Checkpoint” was returned with feedback"])
        let body = try #require(messages.first?.body)
        #expect(body.contains("Maya Okafor returned version 1 of your work"))
        #expect(body.contains("Add a test for the 404 page."))
        #expect(body.contains("https://academy.example/courses/flask-certificate/lessons/checkpoint"))
        #expect(await mailer.sendReviews() == 0, "already mailed")
    }

    @Test func aReviewFromTheCommandLineIsMailedWhenTheServerCatchesUp() async throws {
        let (mailer, outbox) = try await mailer()
        let site = self.site
        try await makeApp(site).test(.router) { client in _ = try await Self.sendWork(client, site: site) }
        let database = try await site.openDatabase()
        let store = database.checkpoints
        let waiting = try #require(try await store.waiting().first)
        _ = try await store.review(id: waiting.submission.id, reviewerID: try await store.userID(email: "maya@example.com"), decision: .approve(feedback: nil))
        #expect(await mailer.sendReviews() == 1)
        #expect(await mailer.sendReviews() == 0)
        let approved = try await outbox.messages().filter { $0.subject == "Your checkpoint “Checkpoint” was approved" }
        #expect(approved.count == 1 && approved.first?.recipient == "ada@example.com")
    }

    @Test func eachInstructorGetsOneDigestADayOfWhatWaits() async throws {
        let (mailer, outbox) = try await mailer()
        let site = self.site
        try await makeApp(site).test(.router) { client in _ = try await Self.sendWork(client, site: site) }
        let morning = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00 UTC
        #expect(await mailer.sendDigestsIfDue(now: morning) == 0, "the first start waits for the next digest hour")
        #expect(await mailer.sendDigestsIfDue(now: morning.addingTimeInterval(22 * 3600)) == 0, "not before 07:00")
        let nextMorning = morning.addingTimeInterval(23 * 3600)
        #expect(await mailer.sendDigestsIfDue(now: nextMorning) == 1)
        #expect(await mailer.sendDigestsIfDue(now: nextMorning.addingTimeInterval(3600)) == 0, "one a day")
        let digest = try #require(try await outbox.messages().first { $0.subject == "1 checkpoint submission waits for your review" })
        #expect(digest.recipient == "maya@example.com")
        #expect(digest.body.contains("- Ada Lovelace: Checkpoint (Flask Certificate), waiting since"))
        #expect(digest.body.contains("https://academy.example/review"))
        #expect(await mailer.sendDigestsIfDue(now: nextMorning.addingTimeInterval(86_400)) == 1, "the next day, again")
    }
}
