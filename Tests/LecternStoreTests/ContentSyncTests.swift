import Foundation
import LecternCore
import LecternStore
import LecternTestSupport
import Testing

@Suite final class ContentSyncTests: StoreSuite {
    func sync() async throws -> SyncReport {
        try await database.content.sync(from: ContentLoader(root: site.content))
    }

    var posts: PostStore { database.posts }

    @Test func firstSyncCreatesEveryPost() async throws {
        try site.writePost("one")
        try site.writePost("two")
        try site.writeCourse("flask-certificate")
        let report = try await sync()
        #expect(report.created == 2 && report.updated == 0 && report.unchanged == 0 && report.unpublished == 0)
        #expect(report.coursesCreated == 1)
        #expect(try await posts.page(1, perPage: 10).totalItems == 2)
    }

    @Test func unchangedFilesAreSkipped() async throws {
        try site.writePost("one")
        _ = try await sync()
        let report = try await sync()
        #expect(report.created == 0 && report.updated == 0 && report.unchanged == 1)
        #expect(report.line.hasPrefix("posts: 0 created, 0 updated, 1 unchanged, 0 unpublished; courses: 0 created, 0 updated, 0 unchanged"))
    }

    /// Sets a file's modification time, as `touch -d` would.
    func setModified(_ relativePath: String, to date: Date) throws {
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: site.content.appendingPathComponent(relativePath).path)
    }

    @Test func anUnchangedFolderIsImportedWithoutWriting() async throws {
        try site.writePost("one")
        try site.writeCourse("flask-certificate")
        try site.writeLesson("flask-certificate", "01-first-app")
        // Files older than the import's 2 s grace get their stamps stored at once, however slowly the test runs.
        let old = Date().addingTimeInterval(-3600)
        for file in ["posts/one.md", "courses/flask-certificate/course.md", "courses/flask-certificate/lessons/01-first-app.md"] {
            try setModified(file, to: old)
        }
        _ = try await sync()
        let revision = try await database.siteRevision()
        let report = try await sync()
        #expect(report.unchanged == 1 && report.coursesUnchanged == 1 && report.lessonsUnchanged == 1)
        // No write at all: a restart on a full disk needs none, and cached pages stay valid.
        #expect(try await database.siteRevision() == revision)
        // A vanished file is a change, and is written.
        try FileManager.default.removeItem(at: site.content.appendingPathComponent("posts/one.md"))
        #expect(try await sync().unpublished == 1)
        #expect(try await database.siteRevision() == revision + 1)
    }

    @Test func aFileWhoseSizeAndTimeAreUnchangedIsNotReadAgain() async throws {
        let old = Date().addingTimeInterval(-3600)
        try site.writePost("one", title: "First title")
        try setModified("posts/one.md", to: old)
        _ = try await sync()
        // Same size, same time, different text: only a full read could tell, and the import trusts the stamp.
        try site.writePost("one", title: "Other title")
        try setModified("posts/one.md", to: old)
        #expect(try await sync().unchanged == 1)
        #expect(try await posts.post(slug: "one")?.summary.title == "First title")
        // Any change of time is noticed.
        try setModified("posts/one.md", to: old.addingTimeInterval(1))
        #expect(try await sync().updated == 1)
        #expect(try await posts.post(slug: "one")?.summary.title == "Other title")
    }

    @Test func anEditOfTheSameSizeRightAfterAnImportIsStillSeen() async throws {
        try site.writePost("one", title: "First title")
        _ = try await sync()
        try site.writePost("one", title: "Other title")
        #expect(try await sync().updated == 1)
        #expect(try await posts.post(slug: "one")?.summary.title == "Other title")
    }

    @Test func editedFilesAreUpdated() async throws {
        try site.writePost("one", title: "Before")
        _ = try await sync()
        try site.writePost("one", title: "After")
        let report = try await sync()
        #expect(report.updated == 1)
        #expect(try await posts.post(slug: "one")?.summary.title == "After")
    }

    @Test func aDeletedFileUnpublishesThePostAndKeepsItsViews() async throws {
        try site.writePost("one")
        _ = try await sync()
        try await posts.addViews(["one": 7])
        try site.remove("posts/one.md")
        let report = try await sync()
        #expect(report.unpublished == 1)
        #expect(try await posts.post(slug: "one") == nil)

        try site.writePost("one")
        let back = try await sync()
        #expect(back.updated == 1)
        #expect(try await posts.post(slug: "one")?.summary.viewCount == 7)
    }

    @Test func aBrokenEditKeepsTheLastGoodVersionOnline() async throws {
        try site.writePost("one", title: "Good")
        _ = try await sync()
        try site.writeFile("posts/one.md", "---\ntitle: [unclosed\n---\nBody\n")
        let report = try await sync()
        #expect(report.errors.count == 1)
        #expect(report.unpublished == 0)
        #expect(try await posts.post(slug: "one")?.summary.title == "Good")
    }

    @Test func aNewFileCannotTakeTheSlugOfAnExistingOne() async throws {
        try site.writePost("original", title: "Original")
        _ = try await sync()
        try site.writePost("impostor", title: "Impostor", extra: "slug: original")
        let report = try await sync()
        #expect(report.errors.map(\.reason) == ["duplicate slug 'original': posts/original.md already uses it"])
        #expect(try await posts.post(slug: "original")?.summary.title == "Original")
    }

    @Test func renamingAFileButKeepingItsSlugKeepsTheViews() async throws {
        try site.writePost("guide")
        _ = try await sync()
        try await posts.addViews(["guide": 3])
        try site.remove("posts/guide.md")
        try site.writePost("guide-renamed", extra: "slug: guide")
        let report = try await sync()
        #expect(report.unpublished == 0)
        #expect(try await posts.post(slug: "guide")?.summary.viewCount == 3)
    }

    @Test func draftsAreStoredButNotPublished() async throws {
        try site.writePost("draft", draft: true)
        try site.writePost("live")
        _ = try await sync()
        #expect(try await posts.post(slug: "draft") == nil)
        #expect(try await posts.latest(limit: 10).map(\.slug) == ["live"])
    }

    @Test func aThousandUnchangedPostsResyncWithoutRendering() async throws {
        for index in 0..<1000 { try site.writePost("post-\(index)") }
        #expect(try await sync().created == 1000)
        let report = try await sync()
        #expect(report.unchanged == 1000 && report.created == 0 && report.updated == 0)
    }

    @Test func removedCoursesAreHiddenFromThePromo() async throws {
        try site.writeCourse("flask-certificate")
        _ = try await sync()
        #expect(try await database.courses.featured()?.slug == "flask-certificate")
        try site.remove("courses/flask-certificate")
        _ = try await sync()
        #expect(try await database.courses.featured() == nil)
    }
}
