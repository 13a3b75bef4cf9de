import Foundation
import LecternCLI
import LecternStore
import Testing

@Suite struct ContentCommandTests {
    @Test func syncImportsAndItsDryRunChangesNothing() async throws {
        let site = try await CLISite()
        try site.site.writePost("second", title: "Second")
        let dry = await site.lectern("content", "sync", "--dry-run", "--json")
        #expect(dry.status == 0)
        let report = try dry.object()
        #expect((report["posts"] as? [String: Any])?["created"] as? Int == 1)
        #expect(report["dry_run"] as? Bool == true)
        #expect(try await site.database.posts.post(slug: "second") == nil)

        let real = await site.lectern("content", "sync")
        #expect(real.status == 0)
        #expect(real.output.hasPrefix("posts: 1 created, 0 updated, 1 unchanged"))
        #expect(try await site.database.posts.post(slug: "second") != nil)
    }

    @Test func syncExitsNonZeroWhenAFileIsRefused() async throws {
        let site = try await CLISite()
        try site.site.writeFile("posts/broken.md", "no front matter here\n")
        let run = await site.lectern("content", "sync")
        #expect(run.status == 1)
        #expect(run.errors.contains("posts/broken.md: no front matter"))
    }

    @Test func lintPassesCleanContentWithoutADatabase() async throws {
        let site = try await CLISite()
        try FileManager.default.removeItem(atPath: site.site.databasePath)
        let run = await site.lectern("content", "lint")
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output == "checked 1 post, 1 course, 2 lessons: 0 errors, 0 warnings\n")
        #expect(!FileManager.default.fileExists(atPath: site.site.databasePath))
    }

    @Test func lintFindsBrokenLinksMissingAltTextUnknownModulesAndDuplicateSlugs() async throws {
        let site = try await CLISite()
        try site.site.writePost(
            "links",
            body: "See [the intro](/blog/hello), [nothing](/blog/nowhere), [a draft](/blog/later), [relative](other-post), "
                + "[course](/courses/flask-certificate/lessons/routing), [bad lesson](/courses/flask-certificate/lessons/02-routing) and ![](/img/diagram.png)."
        )
        try site.site.writePost("later", draft: true)
        try site.site.writePost("twin", extra: "slug: hello")
        try site.site.writeLesson("flask-certificate", "03-extra", module: "Advanced")
        let run = await site.lectern("content", "lint", "--json")
        #expect(run.status == 1)
        let report = try run.object()
        let messages = try #require(report["problems"] as? [[String: Any]]).map { "\($0["path"]!): \($0["message"]!)" }
        #expect(messages.contains("posts/links.md: link '/blog/nowhere' points at no post"))
        #expect(messages.contains { $0.hasPrefix("posts/links.md: link '/blog/later' points at a draft") })
        #expect(messages.contains { $0.hasPrefix("posts/links.md: link 'other-post' is relative") })
        #expect(messages.contains("posts/links.md: link '/courses/flask-certificate/lessons/02-routing' points at no lesson"))
        #expect(!messages.contains { $0.contains("'/blog/hello'") || $0.contains("lessons/routing'") })
        #expect(messages.contains { $0.hasPrefix("posts/links.md: image '/img/diagram.png' has no alt text") })
        #expect(messages.contains { $0.hasPrefix("posts/twin.md: duplicate slug 'hello'") })
        #expect(
            messages.contains { $0.hasPrefix("courses/flask-certificate/lessons/03-extra.md: module 'Advanced' is not one of the course's modules") })
        #expect(report["ok"] as? Bool == false)
    }

    @Test func lintOfAMissingFolderSaysSo() async throws {
        let site = try await CLISite()
        let run = await site.lectern(["content", "lint", "--content", "/no/such/content"], site: false)
        #expect(run.status == 1)
        #expect(run.errors.contains("content folder '/no/such/content' does not exist"))
    }
}
