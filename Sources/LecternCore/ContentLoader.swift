import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a scan of the content folder found, for one kind of document.
public struct ContentScan<Document: Sendable>: Sendable {
    /// New or changed files, parsed and rendered.
    public var changed: [Document] = []
    /// Files whose hash matched the one already stored: not parsed again.
    public var unchangedPaths: [String] = []
    /// Files present but refused: whatever was stored from them before stays as it was.
    public var failedPaths: [String] = []
    /// The size-and-time stamp of each file that was read (changed, or unchanged by hash but touched), to store.
    public var stamps: [String: String] = [:]
}

/// Everything read from the content folder in one pass.
public struct ContentSnapshot: Sendable {
    public var posts = ContentScan<PostDocument>()
    public var courses = ContentScan<CourseDocument>()
    public var lessons = ContentScan<LessonDocument>()
    /// Every page and author profile, read each time (a handful of files).
    public var pages: [SitePageDocument] = []
    public var authors: [AuthorDocument] = []
    /// Courses whose lesson folder was read, so that lessons missing from it can be retired.
    public var scannedCourses: [String] = []
    public var problems: [ContentProblem] = []

    public var errors: [ContentProblem] { problems.filter { $0.severity == .error } }
}

/// The content folder is missing or unreadable; nothing can be imported.
public struct ContentFolderError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "content folder '\(path)' \(reason)" }
}

/// Reads `Content/`: hashes every file, parses and renders only those whose hash is not already known.
public struct ContentLoader: Sendable {
    public var root: URL
    /// The site's time zone, in which a post's date and time written without an offset is read.
    public var timeZone: TimeZone

    public init(root: URL, timeZone: TimeZone = ContentDate.utc) {
        self.root = root
        self.timeZone = timeZone
    }

    /// Throws unless the content folder exists and is a folder; nothing else is read.
    public func checkFolder() throws(ContentFolderError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw ContentFolderError(
                path: root.path, reason: "does not exist (set --content or LECTERN_CONTENT to the folder that holds posts/ and courses/)")
        }
        guard isDirectory.boolValue else { throw ContentFolderError(path: root.path, reason: "is a file, not a folder") }
    }

    /// `knownHashes` maps a relative source path to the hash stored for it, so unchanged files are skipped.
    /// `knownStamps` maps a path to the stamp stored with that hash: a file whose size and modification time still
    /// match is not even read, which keeps a start with 10,000 unchanged posts well under a second.
    public func load(knownHashes: [String: String], knownStamps: [String: String] = [:]) throws(ContentFolderError) -> ContentSnapshot {
        try checkFolder()

        var snapshot = ContentSnapshot()
        var seenSlugs: [String: String] = [:]
        scan(markdownFiles(in: "posts"), knownHashes: knownHashes, knownStamps: knownStamps, into: &snapshot.posts, problems: &snapshot.problems) {
            (path: String, data: Data, hash: String, warnings: inout [ContentProblem]) throws(ContentProblem) -> PostDocument in
            let post = try PostParser.parse(path: path, data: data, contentHash: hash, timeZone: timeZone, warnings: &warnings)
            if let other = seenSlugs[post.slug] {
                throw ContentProblem(path: path, reason: "duplicate slug '\(post.slug)': \(other) already uses it")
            }
            seenSlugs[post.slug] = path
            return post
        }

        var coursePaths: [String] = []
        for folder in subfolders(of: "courses") {
            let path = "courses/\(folder)/course.md"
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) {
                coursePaths.append(path)
            } else {
                snapshot.problems.append(ContentProblem(path: "courses/\(folder)", reason: "course folder has no course.md"))
            }
        }
        scan(coursePaths, knownHashes: knownHashes, knownStamps: knownStamps, into: &snapshot.courses, problems: &snapshot.problems) {
            (path: String, data: Data, hash: String, warnings: inout [ContentProblem]) throws(ContentProblem) -> CourseDocument in
            try CourseParser.parse(path: path, data: data, contentHash: hash, warnings: &warnings)
        }
        var pages = ContentScan<SitePageDocument>()
        scan(markdownFiles(in: "pages"), knownHashes: [:], knownStamps: [:], into: &pages, problems: &snapshot.problems) {
            (path: String, data: Data, hash: String, warnings: inout [ContentProblem]) throws(ContentProblem) -> SitePageDocument in
            try SitePageParser.page(path: path, data: data, contentHash: hash, warnings: &warnings)
        }
        snapshot.pages = pages.changed
        var authors = ContentScan<AuthorDocument>()
        scan(markdownFiles(in: "authors"), knownHashes: [:], knownStamps: [:], into: &authors, problems: &snapshot.problems) {
            (path: String, data: Data, hash: String, warnings: inout [ContentProblem]) throws(ContentProblem) -> AuthorDocument in
            try SitePageParser.author(path: path, data: data, contentHash: hash, warnings: &warnings)
        }
        snapshot.authors = authors.changed
        // Lessons of a course whose course.md was refused are left as they are.
        for folder in snapshot.courses.changed.map(\.slug) + snapshot.courses.unchangedPaths.map(Self.courseSlug) {
            loadLessons(of: folder, knownHashes: knownHashes, knownStamps: knownStamps, into: &snapshot)
        }
        return snapshot
    }

    /// Reads each file: an unreadable one is refused, one whose hash is known is unchanged, the rest go through `parse`.
    private func scan<Document: Sendable>(
        _ paths: [String], knownHashes: [String: String], knownStamps: [String: String], into scan: inout ContentScan<Document>,
        problems: inout [ContentProblem],
        parse: (String, Data, String, inout [ContentProblem]) throws(ContentProblem) -> Document
    ) {
        for path in paths {
            let stamp = stamp(of: path)
            if let stamp, knownHashes[path] != nil, knownStamps[path] == stamp {
                scan.unchangedPaths.append(path)
                continue
            }
            guard let (data, hash) = read(path, into: &problems) else {
                scan.failedPaths.append(path)
                continue
            }
            if let stamp { scan.stamps[path] = stamp }
            if knownHashes[path] == hash {
                scan.unchangedPaths.append(path)
                continue
            }
            do throws(ContentProblem) {
                scan.changed.append(try parse(path, data, hash, &problems))
            } catch {
                problems.append(error)
                scan.failedPaths.append(path)
            }
        }
    }

    private func loadLessons(of course: String, knownHashes: [String: String], knownStamps: [String: String], into snapshot: inout ContentSnapshot) {
        snapshot.scannedCourses.append(course)
        var positions: [Int: String] = [:]
        var slugs: [String: String] = [:]
        scan(
            markdownFiles(in: "courses/\(course)/lessons"), knownHashes: knownHashes, knownStamps: knownStamps, into: &snapshot.lessons,
            problems: &snapshot.problems
        ) {
            (path: String, data: Data, hash: String, warnings: inout [ContentProblem]) throws(ContentProblem) -> LessonDocument in
            let lesson = try LessonParser.parse(path: path, data: data, contentHash: hash, courseSlug: course, warnings: &warnings)
            if let other = slugs[lesson.slug] {
                throw ContentProblem(path: path, reason: "duplicate lesson slug '\(lesson.slug)': \(other) already uses it")
            }
            if let other = positions[lesson.position] {
                throw ContentProblem(path: path, reason: "lesson number \(lesson.position) is also used by \(other)")
            }
            slugs[lesson.slug] = path
            positions[lesson.position] = path
            return lesson
        }
    }

    /// `courses/<slug>/…` → `<slug>`.
    static func courseSlug(_ path: String) -> String {
        path.split(separator: "/").dropFirst().first.map(String.init) ?? ""
    }

    /// The hash covers the renderer version, so a renderer change re-renders every file once.
    public static func hash(_ data: Data) -> String {
        var bytes = Array("lectern-md-\(MarkdownRenderer.version)\n".utf8)
        bytes.append(contentsOf: data)
        return Digest.sha256Hex(bytes)
    }

    /// Size and modification time (to the nanosecond) with the renderer version, or nil when the file cannot be
    /// examined (it is then read, and its problem reported, as usual). A file changed in the last two seconds gets
    /// no stamp: file systems keep times only to a few milliseconds, so an edit of the same size made just after an
    /// import could otherwise carry the stamp stored by that import and never be read.
    func stamp(of path: String) -> String? {
        var info = stat()
        guard stat(root.appendingPathComponent(path).path, &info) == 0 else { return nil }
        guard Double(info.st_mtim.tv_sec) < Date().timeIntervalSince1970 - 2 else { return nil }
        return "\(MarkdownRenderer.version):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    private func read(_ path: String, into problems: inout [ContentProblem]) -> (Data, String)? {
        do {
            let data = try Data(contentsOf: root.appendingPathComponent(path))
            return (data, Self.hash(data))
        } catch {
            problems.append(ContentProblem(path: path, reason: "cannot be read: \(error.localizedDescription)"))
            return nil
        }
    }

    /// Visible `.md` files directly in `folder`, sorted so that results and duplicate reports are stable.
    private func markdownFiles(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
        return names.filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }.sorted().map { "\(folder)/\($0)" }
    }

    private func subfolders(of folder: String) -> [String] {
        let base = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: base.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }
}
