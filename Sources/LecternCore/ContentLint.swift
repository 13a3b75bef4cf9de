import Foundation

/// Checks the whole content folder without writing anything: what `content sync` would refuse, plus links that lead
/// nowhere, images without alt text and lessons in modules their course does not have.
public struct ContentLint: Sendable {
    public var root: URL
    /// Static files (`Public/`), to check links and images that point at files; nil skips those checks.
    public var publicFolder: URL?

    public init(root: URL, publicFolder: URL?) {
        self.root = root
        self.publicFolder = publicFolder
    }

    /// What was checked, and every problem found, sorted by file.
    public struct Report: Sendable {
        public var posts = 0
        public var courses = 0
        public var lessons = 0
        public var problems: [ContentProblem] = []
        public var errors: [ContentProblem] { problems.filter { $0.severity == .error } }
    }

    public func run() throws(ContentFolderError) -> Report {
        let snapshot = try ContentLoader(root: root).load(knownHashes: [:])
        var report = Report()
        report.posts = snapshot.posts.changed.count + snapshot.posts.failedPaths.count
        report.courses = snapshot.courses.changed.count + snapshot.courses.failedPaths.count
        report.lessons = snapshot.lessons.changed.count + snapshot.lessons.failedPaths.count
        report.problems = snapshot.problems

        let courses = Dictionary(snapshot.courses.changed.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
        for lesson in snapshot.lessons.changed {
            if let course = courses[lesson.courseSlug], let problem = lesson.moduleProblem(modules: course.modules) {
                report.problems.append(problem)
            }
        }

        let site = SiteMap(snapshot: snapshot)
        for post in snapshot.posts.changed {
            report.problems += check(html: post.html, path: post.sourcePath, site: site)
            if let cover = post.cover { report.problems += check(target: cover, path: post.sourcePath, site: site, what: "cover") }
            if post.cover != nil, (post.coverAlt ?? "").isEmpty {
                report.problems.append(ContentProblem(path: post.sourcePath, reason: "the cover has no 'cover_alt': describe the picture"))
            }
        }
        for course in snapshot.courses.changed { report.problems += check(html: course.descriptionHTML, path: course.sourcePath, site: site) }
        for lesson in snapshot.lessons.changed { report.problems += check(html: lesson.html, path: lesson.sourcePath, site: site) }
        for page in snapshot.pages { report.problems += check(html: page.html, path: page.sourcePath, site: site) }
        for author in snapshot.authors {
            report.problems += check(html: author.bioHTML, path: author.sourcePath, site: site)
            if let photo = author.photo { report.problems += check(target: photo, path: author.sourcePath, site: site, what: "photo") }
        }
        report.problems.sort { ($0.path, $0.reason) < ($1.path, $1.reason) }
        return report
    }

    /// Every path the site will answer, as far as the content decides it.
    struct SiteMap {
        var published: Set<String> = []
        var drafts: Set<String> = []
        var categories: Set<String> = []
        var tags: Set<String> = []
        var courses: Set<String> = []
        var lessons: Set<String> = []
        var pages: Set<String> = []
        var authors: Set<String> = []

        init(snapshot: ContentSnapshot) {
            pages = Set(snapshot.pages.map(\.slug))
            authors = Set(snapshot.authors.map(\.slug))
            for post in snapshot.posts.changed {
                if post.isDraft {
                    drafts.insert(post.slug)
                } else {
                    published.insert(post.slug)
                    categories.insert(post.categorySlug)
                    tags.formUnion(post.tags.map(Slug.make(from:)))
                }
            }
            courses = Set(snapshot.courses.changed.map(\.slug))
            lessons = Set(snapshot.lessons.changed.map { "\($0.courseSlug)/\($0.slug)" })
        }
    }

    static let fixedPages: Set<String> = [
        "/", "/blog", "/courses", "/search", "/feed.xml", "/sitemap.xml", "/robots.txt", "/register", "/login", "/account", "/dashboard",
        "/password/forgot", "/healthz", "/readyz",
    ]

    private func check(html: String, path: String, site: SiteMap) -> [ContentProblem] {
        var problems: [ContentProblem] = []
        for link in Self.attributes(named: "href", in: html) {
            problems += check(target: link, path: path, site: site, what: "link")
        }
        for image in Self.images(in: html) {
            problems += check(target: image.source, path: path, site: site, what: "image")
            if image.alt.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append(
                    ContentProblem(path: path, reason: "image '\(image.source)' has no alt text: write ![what it shows](\(image.source))"))
            }
        }
        return problems
    }

    private func check(target raw: String, path: String, site: SiteMap, what: String) -> [ContentProblem] {
        let target = Self.unescape(raw)
        let lowered = target.lowercased()
        if target.hasPrefix("#") || target.hasPrefix("//") || lowered.hasPrefix("mailto:") || lowered.contains("://") || lowered.hasPrefix("tel:") {
            return []
        }
        guard target.hasPrefix("/") else {
            return [
                ContentProblem(
                    path: path,
                    reason: "\(what) '\(target)' is relative and will break on some pages: start it at the site root, like /blog/<slug>")
            ]
        }
        var route = target
        if let cut = route.firstIndex(where: { $0 == "?" || $0 == "#" }) { route = String(route[..<cut]) }
        if route.count > 1, route.hasSuffix("/") { route.removeLast() }
        if let reason = problem(with: route, site: site) {
            return [ContentProblem(path: path, reason: "\(what) '\(target)' \(reason)")]
        }
        return []
    }

    /// Nil when `route` leads somewhere; else why it does not.
    private func problem(with route: String, site: SiteMap) -> String? {
        if Self.fixedPages.contains(route) { return nil }
        let parts = route.split(separator: "/").map(String.init)
        switch parts.first {
        case "blog" where parts.count == 2:
            if site.published.contains(parts[1]) { return nil }
            return site.drafts.contains(parts[1]) ? "points at a draft: it is not online until that post is published" : "points at no post"
        case "blog" where parts.count == 3 && parts[1] == "category":
            return site.categories.contains(parts[2]) ? nil : "points at a category no published post has"
        case "blog" where parts.count == 3 && parts[1] == "tag":
            return site.tags.contains(parts[2]) ? nil : "points at a tag no published post has"
        case "courses" where parts.count == 2:
            return site.courses.contains(parts[1]) ? nil : "points at no course"
        case "courses" where parts.count == 4 && parts[2] == "lessons":
            return site.lessons.contains("\(parts[1])/\(parts[3])") ? nil : "points at no lesson"
        case "certificates" where parts.count == 2:
            return nil
        case "authors" where parts.count == 2:
            return site.authors.contains(parts[1]) ? nil : "points at no author (Content/authors/)"
        case let slug? where parts.count == 1 && site.pages.contains(slug):
            return nil
        default:
            guard let publicFolder, (parts.last ?? "").contains(".") else { return "is not a page of this site" }
            let file = parts.reduce(publicFolder) { $0.appendingPathComponent($1) }
            return FileManager.default.fileExists(atPath: file.path) ? nil : "is not in the static files (\(publicFolder.lastPathComponent)/)"
        }
    }

    static func attributes(named name: String, in html: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "<a [^>]*\(name)=\"([^\"]*)\"")
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { match in
            Range(match.range(at: 1), in: html).map { String(html[$0]) }
        }
    }

    static func images(in html: String) -> [(source: String, alt: String)] {
        let tag = try! NSRegularExpression(pattern: "<img [^>]*>")
        let source = try! NSRegularExpression(pattern: "src=\"([^\"]*)\"")
        let alt = try! NSRegularExpression(pattern: "alt=\"([^\"]*)\"")
        return tag.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { match in
            guard let range = Range(match.range, in: html) else { return nil }
            let element = String(html[range])
            func value(_ regex: NSRegularExpression) -> String {
                regex.firstMatch(in: element, range: NSRange(element.startIndex..., in: element)).flatMap { Range($0.range(at: 1), in: element) }
                    .map { String(element[$0]) } ?? ""
            }
            return (unescape(value(source)), unescape(value(alt)))
        }
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
