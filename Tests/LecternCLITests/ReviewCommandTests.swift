import Foundation
import LecternCLI
import LecternCore
import LecternStore
import Testing

/// `lectern review`: the checkpoint queue from the command line, under the same rules as /review.
@Suite struct ReviewCommandTests {
    /// A site with a checkpoint, Ada's submission to it and Maya as the course's instructor.
    func siteWithASubmission() async throws -> (CLISite, Int64) {
        let site = try await CLISite()
        try site.site.writeFile(
            "courses/flask-certificate/lessons/09-checkpoint.md",
            "---\ntitle: \"Checkpoint\"\nmodule: Foundations\nkind: checkpoint\n---\nBuild it and send a link.\n")
        #expect(await site.lectern("content", "sync").status == 0)
        let ada = try await site.register("ada@example.com", name: "Ada Lovelace")
        _ = try await site.register("maya@example.com", name: "Maya Okafor")
        #expect(await site.lectern("course", "instructors", "add", "flask-certificate", "maya@example.com").status == 0)
        let database = try LecternDatabase.open(path: site.site.databasePath)
        let course = try #require(try await database.courses.course(slug: "flask-certificate"))
        let checkpoint = try #require(course.lessons.first { $0.kind == .checkpoint })
        let submission = try await database.checkpoints.submit(
            userID: ada.id, lessonID: checkpoint.id, answer: try CheckpointAnswer(text: "My catalogue.", link: "https://git.example.com/ada"))
        return (site, submission.id)
    }

    @Test func listShowReturnAndApprove() async throws {
        let (site, id) = try await siteWithASubmission()
        let list = await site.lectern("review", "list")
        #expect(list.status == 0)
        #expect(list.output.contains("\(id)  Ada Lovelace <ada@example.com>  flask-certificate / checkpoint  version 1"))
        let shown = try await site.lectern("review", "show", "\(id)", "--json").object()
        #expect(shown["text"] as? String == "My catalogue.")
        #expect(shown["status"] as? String == "submitted")

        // The page's limit holds here too: one rule (`Reviews`) for both.
        let essay = await site.lectern("review", "return", "\(id)", "--as", "maya@example.com", "--feedback", String(repeating: "x", count: 10_001))
        #expect(essay.status == 1)
        #expect(essay.errors.contains("--feedback must be at most 10000 characters (it has 10001)"))
        let noFeedback = await site.lectern("review", "return", "\(id)", "--as", "maya@example.com", "--feedback", " ")
        #expect(noFeedback.status == 1)
        #expect(noFeedback.errors.contains("returned work needs feedback"))
        let returned = await site.lectern("review", "return", "\(id)", "--as", "maya@example.com", "--feedback", "Add tests.")
        #expect(returned.status == 0, "\(returned.errors)")
        #expect(await site.lectern("review", "list").output.contains("Nothing is waiting for review."))
        let again = await site.lectern("review", "approve", "\(id)", "--as", "maya@example.com")
        #expect(again.status == 1)
        #expect(again.errors.contains("was reviewed already"))
    }

    @Test func onlyAnInstructorOfTheCourseDecidesAndNeverOnTheirOwnWork() async throws {
        let (site, id) = try await siteWithASubmission()
        let stranger = await site.lectern("review", "approve", "\(id)", "--as", "ada@example.com")
        #expect(stranger.status == 1)
        #expect(stranger.errors.contains("Only an instructor of this course reviews its checkpoints."))
        let nobody = await site.lectern("review", "approve", "\(id)", "--as", "nobody@example.com")
        #expect(nobody.status == 1)
        #expect(nobody.errors.contains("there is no account with the address nobody@example.com"))
        let unknown = await site.lectern("review", "approve", "998", "--as", "maya@example.com")
        #expect(unknown.status == 1 && unknown.errors.contains("there is no submission 998"))
        let missing = await site.lectern("review", "show", "999")
        #expect(missing.status == 1)
        #expect(missing.errors.contains("there is no submission 999"))
        let dry = await site.lectern("review", "approve", "\(id)", "--as", "maya@example.com", "--dry-run")
        #expect(dry.status == 0)
        #expect(dry.output.contains("Dry run: nothing was changed."))
        #expect(await site.lectern("review", "list").output.contains("Ada Lovelace"))
        let approved = await site.lectern("review", "approve", "\(id)", "--as", "maya@example.com", "--feedback", "Clean work.")
        #expect(approved.status == 0, "\(approved.errors)")
        #expect(approved.output.contains("Approved Ada Lovelace's Checkpoint."))
    }
}
