import Foundation
import LecternCLI
import LecternStore
import Testing

@Suite struct PostCommandTests {
    @Test func newWritesADraftThatPublishAndUnpublishSwitch() async throws {
        let site = try await CLISite()
        let new = await site.lectern("post", "new", "Why we teach Flask: first!", "--author", "Grace Hopper", "--tags", "flask, teaching", "--json")
        #expect(new.status == 0, "\(new.errors)")
        #expect(try new.object()["slug"] as? String == "why-we-teach-flask-first")
        let file = site.site.content.appendingPathComponent("posts/why-we-teach-flask-first.md")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("title: \"Why we teach Flask: first!\"\n"))
        #expect(text.contains("draft: true\n"))

        // An empty draft cannot go out.
        let empty = await site.lectern("post", "publish", "why-we-teach-flask-first")
        #expect(empty.status == 1)
        #expect(empty.errors.contains("has no text yet"))

        try (text + "Flask is small enough to read in an afternoon.\n").write(to: file, atomically: true, encoding: .utf8)
        let publish = await site.lectern("post", "publish", "why-we-teach-flask-first")
        #expect(publish.status == 0, "\(publish.errors)")
        #expect(try await site.database.posts.post(slug: "why-we-teach-flask-first")?.summary.author == "Grace Hopper")
        #expect(!(try String(contentsOf: file, encoding: .utf8)).contains("draft:"))
        let again = await site.lectern("post", "publish", "why-we-teach-flask-first")
        #expect(again.output.contains("already published; nothing to do"))

        try await site.database.posts.addViews(["why-we-teach-flask-first": 7])
        let unpublish = await site.lectern("post", "unpublish", "why-we-teach-flask-first", "--json")
        #expect(try unpublish.object()["status"] as? String == "draft")
        #expect(try await site.database.posts.post(slug: "why-we-teach-flask-first") == nil)
        #expect(try String(contentsOf: file, encoding: .utf8).contains("draft: true\n"))
        let record = try await site.database.posts.record(slug: "why-we-teach-flask-first")
        #expect(record?.viewCount == 7)
    }

    @Test func publishAtADateToComeSchedulesThePost() async throws {
        let site = try await CLISite()
        try site.site.writePost("spring", title: "Spring cohort", date: "2026-01-01", draft: true, body: "Enrolment opens soon.")
        let scheduled = await site.lectern("post", "publish", "spring", "--at", "2099-03-01 09:00")
        #expect(scheduled.status == 0, "\(scheduled.errors)")
        #expect(scheduled.output == "Scheduled spring (posts/spring.md): it goes public on 2099-03-01 09:00 UTC.\n")
        let text = try String(contentsOf: site.site.content.appendingPathComponent("posts/spring.md"), encoding: .utf8)
        #expect(text.contains("date: 2099-03-01 09:00\n") && !text.contains("draft:"))
        #expect(try await site.database.posts.post(slug: "spring") == nil, "not public before its time")
        let listed = await site.lectern("post", "list")
        #expect(listed.output.contains("scheduled  2099-03-01 09:00 UTC"))
        let bad = await site.lectern("post", "publish", "spring", "--at", "next monday")
        #expect(bad.status != 0 && bad.errors.contains("--at must be a date and time such as \"2027-03-01 09:00\""))
    }

    @Test func publishRefusesAPostWithLintProblemsUnlessForced() async throws {
        let site = try await CLISite()
        try site.site.writePost(
            "broken", title: "Broken", date: "2026-01-01", draft: true, body: "See [the missing post](/blog/no-such-post) and ![](/img/nope.png).")
        let refused = await site.lectern("post", "publish", "broken")
        #expect(refused.status == 1)
        #expect(refused.errors.contains("'broken' was not published: "))
        #expect(refused.errors.contains("no-such-post"))
        #expect(try String(contentsOf: site.site.content.appendingPathComponent("posts/broken.md"), encoding: .utf8).contains("draft: true"))
        let forced = await site.lectern("post", "publish", "broken", "--force")
        #expect(forced.status == 0 && forced.errors.contains("warning: ") && forced.errors.contains("(published anyway: --force)"))
        #expect(try await site.database.posts.post(slug: "broken") != nil)
    }

    @Test func newRefusesAnExistingFileAMissingAuthorAndABadSlug() async throws {
        let site = try await CLISite()
        let existing = await site.lectern("post", "new", "Hello", "--author", "A")
        #expect(existing.status == 1)
        #expect(existing.errors.contains("already exists"))
        let noAuthor = await site.lectern("post", "new", "Anything")
        #expect(noAuthor.status == 1)
        #expect(noAuthor.errors.contains("--author"))
        let badSlug = await site.lectern("post", "new", "Anything", "--author", "A", "--slug", "Not A Slug")
        #expect(badSlug.errors.contains("--slug must be lowercase"))
        let dry = await site.lectern("post", "new", "Dry run", "--author", "A", "--dry-run")
        #expect(dry.status == 0)
        #expect(dry.output.contains("Would write"))
        #expect(!FileManager.default.fileExists(atPath: site.site.content.appendingPathComponent("posts/dry-run.md").path))
    }

    @Test func publishOfAnUnknownSlugFailsAndADryRunLeavesTheFile() async throws {
        let site = try await CLISite()
        let unknown = await site.lectern("post", "publish", "nowhere")
        #expect(unknown.status == 1)
        #expect(unknown.errors == "lectern: no post has the slug 'nowhere' (see `lectern post list --drafts`)\n")
        let dry = await site.lectern("post", "unpublish", "hello", "--dry-run")
        #expect(dry.status == 0)
        #expect(try await site.database.posts.post(slug: "hello") != nil)
        #expect(!(try String(contentsOf: site.site.content.appendingPathComponent("posts/hello.md"), encoding: .utf8)).contains("draft"))
    }

    @Test func listAndStatsShowDraftsOnlyWhenAskedAndViewsMostFirst() async throws {
        let site = try await CLISite()
        try site.site.writePost("later", title: "Later", draft: true)
        try site.site.writePost("popular", title: "Popular")
        #expect(await site.lectern("content", "sync").status == 0)
        try await site.database.posts.addViews(["popular": 30, "hello": 10])

        let published = try await site.lectern("post", "list", "--json").array()
        #expect(published.map { $0["slug"] as? String }.sorted { ($0 ?? "") < ($1 ?? "") } == ["hello", "popular"])
        let all = try await site.lectern("post", "list", "--drafts", "--json").array()
        #expect(all.contains { $0["slug"] as? String == "later" && $0["status"] as? String == "draft" })
        #expect(Set(all.first?.keys.map { $0 } ?? []) == ["slug", "title", "author", "date", "category", "status", "views", "path"])

        let stats = try await site.lectern("post", "stats", "--json").object()
        #expect(stats["total_views"] as? Int == 40)
        #expect((stats["posts"] as? [[String: Any]])?.first?["slug"] as? String == "popular")
        let table = await site.lectern("post", "stats")
        #expect(table.output.contains("75.0%"))
        #expect(await site.lectern("post", "stats", "--limit", "0").status != 0)
    }
}
