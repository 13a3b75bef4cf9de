import Foundation
import LecternCore
import Testing

@Suite struct ContentLoaderTests {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("lectern-loader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("posts"), withIntermediateDirectories: true)
    }

    func write(_ name: String, title: String, slug: String? = nil) throws {
        let slugLine = slug.map { "slug: \($0)\n" } ?? ""
        try "---\ntitle: \(title)\nauthor: A\ndate: 2026-01-01\n\(slugLine)---\nBody.\n".write(
            to: root.appendingPathComponent("posts/\(name)"), atomically: true, encoding: .utf8)
    }

    @Test func badFilesAreReportedAndTheOthersStillLoad() throws {
        try write("good.md", title: "Good")
        try "---\nauthor: A\ndate: 2026-01-01\n---\n".write(to: root.appendingPathComponent("posts/untitled.md"), atomically: true, encoding: .utf8)
        try "not markdown".write(to: root.appendingPathComponent("posts/notes.txt"), atomically: true, encoding: .utf8)
        let snapshot = try ContentLoader(root: root).load(knownHashes: [:])
        #expect(snapshot.posts.changed.map(\.slug) == ["good"])
        #expect(snapshot.posts.failedPaths == ["posts/untitled.md"])
        #expect(snapshot.errors == [ContentProblem(path: "posts/untitled.md", reason: "missing required field 'title'")])
    }

    @Test func duplicateSlugsAreRefusedAfterTheFirst() throws {
        try write("a.md", title: "A", slug: "same")
        try write("b.md", title: "B", slug: "same")
        let snapshot = try ContentLoader(root: root).load(knownHashes: [:])
        #expect(snapshot.posts.changed.map(\.sourcePath) == ["posts/a.md"])
        #expect(snapshot.errors.map(\.reason) == ["duplicate slug 'same': posts/a.md already uses it"])
    }

    @Test func filesWithAKnownHashAreNotParsedAgain() throws {
        try write("a.md", title: "A")
        let first = try ContentLoader(root: root).load(knownHashes: [:])
        let known = Dictionary(uniqueKeysWithValues: first.posts.changed.map { ($0.sourcePath, $0.contentHash) })
        let second = try ContentLoader(root: root).load(knownHashes: known)
        #expect(second.posts.changed.isEmpty)
        #expect(second.posts.unchangedPaths == ["posts/a.md"])
    }

    @Test func aMissingFolderIsAnError() {
        #expect(throws: ContentFolderError.self) {
            try ContentLoader(root: root.appendingPathComponent("nope")).load(knownHashes: [:])
        }
    }
}
