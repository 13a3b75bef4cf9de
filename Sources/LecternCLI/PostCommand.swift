import ArgumentParser
import Foundation
import LecternCore
import LecternStore

/// `lectern post …`: blog posts. The Markdown file stays the source of truth: publishing edits its front matter.
struct PostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "post",
        abstract: "Write, list, publish and unpublish blog posts; see their views.",
        subcommands: [New.self, List.self, Publish.self, Unpublish.self, Stats.self]
    )

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a draft: writes Content/posts/<slug>.md with its front matter filled in.",
            discussion: """
                The file starts as `draft: true`, so `content sync` imports it without showing it. Write the post, \
                then run `lectern post publish <slug>`. The author defaults to LECTERN_AUTHOR.

                Examples:
                  lectern post new "Why we teach Flask first" --author "Grace Hopper" --category Teaching --tags flask,python
                  lectern post new "Release notes: December" --slug december-notes --dry-run
                """
        )

        @Argument(help: "The post's title.")
        var title: String

        @Option(name: .long, help: ArgumentHelp("Who wrote it (env LECTERN_AUTHOR).", valueName: "name"))
        var author: String?

        @Option(name: .long, help: ArgumentHelp("The category (default General).", valueName: "name"))
        var category: String?

        @Option(name: .long, help: ArgumentHelp("Tags, separated by commas.", valueName: "tag,tag"))
        var tags: String?

        @Option(name: .long, help: ArgumentHelp("The slug (default: made from the title).", valueName: "slug"))
        var slug: String?

        @Option(name: .long, help: ArgumentHelp("Folder with posts/ and courses/ (env LECTERN_CONTENT).", valueName: "path"))
        var content: String?

        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !title.isEmpty, title.count <= 200 else { throw fail("the title must be 1 to 200 characters") }
            guard let author = (author ?? Environment.value("LECTERN_AUTHOR"))?.trimmingCharacters(in: .whitespaces), !author.isEmpty else {
                throw fail("say who writes it: --author \"Name\" (or set LECTERN_AUTHOR)")
            }
            let slug = self.slug ?? Slug.make(from: title)
            guard Slug.isValid(slug) else {
                throw fail(
                    self.slug == nil
                        ? "the title has no letters or digits to make a slug from: add --slug"
                        : "--slug must be lowercase letters, digits and single hyphens, e.g. '\(Slug.make(from: slug))'")
            }
            let tagList = (tags ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if let bad = tagList.first(where: { Slug.make(from: $0).isEmpty }) { throw fail("tag '\(bad)' needs at least one letter or digit") }
            if let category, Slug.make(from: category).isEmpty { throw fail("--category needs at least one letter or digit") }

            let root = URL(fileURLWithPath: content ?? Environment.value("LECTERN_CONTENT") ?? "Content")
            let folder = root.appendingPathComponent("posts")
            guard FileManager.default.fileExists(atPath: folder.path) else {
                throw fail("'\(folder.path)' does not exist: check --content (or LECTERN_CONTENT)")
            }
            let file = folder.appendingPathComponent("\(slug).md")
            guard !FileManager.default.fileExists(atPath: file.path) else {
                throw fail("'\(file.path)' already exists: choose another title or --slug")
            }
            let text = PostFile.draft(
                title: title, author: author, category: category, tags: tagList, date: Date(),
                timeZone: try SiteOptions.timeZone())
            // The same parser as the import: a file this command writes is always one the import accepts.
            var warnings: [ContentProblem] = []
            do {
                _ = try PostParser.parse(path: "posts/\(slug).md", data: Data(text.utf8), contentHash: "", warnings: &warnings)
            } catch {
                throw fail(error.reason)
            }
            if !dryRun.dryRun {
                do {
                    try Data(text.utf8).write(to: file, options: .withoutOverwriting)
                } catch {
                    throw fail("cannot write '\(file.path)': \(error.localizedDescription)")
                }
            }
            if output.json {
                struct JSON: Encodable {
                    var slug: String
                    var path: String
                    var dryRun: Bool
                }
                return try sayJSON(JSON(slug: slug, path: file.path, dryRun: dryRun.dryRun))
            }
            if dryRun.dryRun {
                say("Would write \(file.path):")
                say(text)
            } else {
                say("Wrote \(file.path) (a draft). Write the post, then run: lectern post publish \(slug)")
            }
            dryRun.sayNothingChanged()
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List posts, newest first.",
            discussion: "Examples:\n  lectern post list\n  lectern post list --drafts --json"
        )

        @OptionGroup var site: SiteOptions

        @Flag(name: .long, help: "Include drafts.")
        var drafts = false

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase()
            let posts = try await database.posts.records(includeDrafts: drafts)
            if output.json { return try sayJSON(posts.map(PostJSON.init)) }
            guard !posts.isEmpty else {
                return say(drafts ? "There are no posts." : "There are no published posts (drafts are listed with --drafts).")
            }
            var table = Table("SLUG", "STATUS", "DATE", "VIEWS", "AUTHOR", "TITLE", numeric: [3])
            for post in posts {
                // A scheduled post shows the minute it goes public; the others their day.
                let date = post.status == .scheduled ? DisplayDate.text(post.date) + " UTC" : DisplayDate.day(post.date)
                table.add(post.slug, post.status.rawValue, date, "\(post.viewCount)", post.author, post.title)
            }
            table.say()
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a draft: removes `draft: true` from its file and imports it, after the lint checks.",
            discussion: """
                The post keeps the date in its front matter unless --at gives a new one; a date still to come schedules \
                the post, which goes public on its own at that time (in LECTERN_TIMEZONE, UTC by default). The post's \
                lint problems (a missing image, a broken internal link, an image without alt text) refuse the publish; \
                --force publishes anyway, with a warning for each.

                Examples:
                  lectern post publish why-we-teach-flask-first
                  lectern post publish spring-cohort-announcement --at "2027-03-01 09:00"
                """
        )

        @OptionGroup var site: SiteOptions
        @Argument(help: "The post's slug.") var slug: String
        @Option(name: .customLong("at"), help: ArgumentHelp("Publish at this date and time (YYYY-MM-DD HH:MM, in LECTERN_TIMEZONE).", valueName: "time"))
        var at: String?
        @Flag(name: .long, help: "Publish even when the lint checks find problems in the post.") var force = false
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if let at, at.count != 16 || ContentDate.parse(at) == nil {
                throw ValidationError("--at must be a date and time such as \"2027-03-01 09:00\", not '\(at)'")
            }
        }

        func run() async throws {
            var change = DraftSwitch(site: site, slug: slug, publish: true, dryRun: dryRun, output: output)
            change.date = at
            change.force = force
            try await change.run()
        }
    }

    struct Unpublish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a post offline: sets `draft: true` in its file and imports it. Its views are kept.",
            discussion: "Example:\n  lectern post unpublish an-old-announcement"
        )

        @OptionGroup var site: SiteOptions
        @Argument(help: "The post's slug.") var slug: String
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await DraftSwitch(site: site, slug: slug, publish: false, dryRun: dryRun, output: output).run()
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Views per post, most viewed first.",
            discussion: """
                Views are counted by the server and written to the database once a second.

                Example:
                  lectern post stats --limit 10
                """
        )

        @OptionGroup var site: SiteOptions

        @Option(name: .long, help: "How many posts to list.")
        var limit = 50

        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 100000") }
        }

        func run() async throws {
            let database = try await site.openDatabase()
            let (posts, total) = try await database.posts.viewStatistics(limit: limit)
            if output.json {
                struct JSON: Encodable {
                    var totalViews: Int
                    var posts: [PostJSON]
                }
                return try sayJSON(JSON(totalViews: total, posts: posts.map(PostJSON.init)))
            }
            var table = Table("VIEWS", "SHARE", "SLUG", "STATUS", "TITLE", numeric: [0, 1])
            for post in posts {
                let share = total == 0 ? "-" : String(format: "%.1f%%", Double(post.viewCount) * 100 / Double(total))
                table.add("\(post.viewCount)", share, post.slug, post.status.rawValue, post.title)
            }
            table.say()
            say("\(Counted.text(total, "view")) in all.")
        }
    }
}

struct PostJSON: Encodable {
    var slug: String
    var title: String
    var author: String
    var date: Date
    var category: String
    var status: String
    var views: Int
    var path: String?

    init(_ post: PostRecord) {
        slug = post.slug
        title = post.title
        author = post.author
        date = post.date
        category = post.category
        status = post.status.rawValue
        views = post.viewCount
        path = post.sourcePath
    }
}

/// Publishing and unpublishing: edit the `draft` field of the post's file, then run the ordinary import.
struct DraftSwitch {
    var site: SiteOptions
    var slug: String
    var publish: Bool
    var dryRun: DryRunOption
    var output: OutputOptions
    /// `--at`: the new `date` of the post, as typed (read in the site's time zone).
    var date: String?
    /// `--force`: publish despite the post's lint problems.
    var force = false

    func run() async throws {
        let database = try await site.openDatabase(dryRun: dryRun.dryRun)
        let store = database.posts
        let post = try await store.record(slug: slug)
        let sourcePath: String
        if let post {
            guard post.status != .removed, let path = post.sourcePath else {
                throw fail("post '\(slug)' has no file in Content/ any more: restore its file to bring it back")
            }
            sourcePath = path
        } else if FileManager.default.fileExists(atPath: URL(fileURLWithPath: site.contentPath).appendingPathComponent("posts/\(slug).md").path) {
            // A draft written since the last import: the import below brings it in.
            sourcePath = "posts/\(slug).md"
        } else {
            throw fail("no post has the slug '\(slug)' (see `lectern post list --drafts`)")
        }
        let verb = publish ? "published" : "unpublished"
        if let post, post.isPublic == publish, date == nil {
            if output.json { return try sayJSON(Result(slug: slug, status: post.status.rawValue, changed: false, dryRun: dryRun.dryRun)) }
            return say("\(slug) is already \(publish ? "published" : "a draft"); nothing to do.")
        }
        let file = URL(fileURLWithPath: site.contentPath).appendingPathComponent(sourcePath)
        let original: String
        do {
            original = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw fail("cannot read '\(file.path)': \(error.localizedDescription)")
        }
        guard var edited = PostFile.settingDraft(!publish, in: original) else {
            throw fail("'\(file.path)' has no front matter to edit")
        }
        if let date { edited = PostFile.setting("date", to: date, in: edited) ?? edited }
        if publish { try lint(sourcePath) }
        var warnings: [ContentProblem] = []
        let parsed: PostDocument
        do {
            parsed = try PostParser.parse(path: sourcePath, data: Data(edited.utf8), contentHash: "", warnings: &warnings)
        } catch {
            throw fail("cannot \(publish ? "publish" : "unpublish") '\(slug)': \(error.description)")
        }
        if publish, parsed.wordCount == 0 { throw fail("'\(slug)' has no text yet: write it in \(file.path) first") }
        if post == nil, edited == original {
            throw fail("'\(slug)' is already \(publish ? "published" : "a draft") in its file: run `lectern content sync` to import it")
        }
        if !dryRun.dryRun {
            do {
                try Data(edited.utf8).write(to: file, options: .atomic)
            } catch {
                throw fail("cannot write '\(file.path)': \(error.localizedDescription)")
            }
            let report = try await ContentSync.run(site: site, database: database)
            let now = try await store.record(slug: slug)
            guard (now?.isPublic ?? false) == publish else {
                // The import refused the edited file: put the old text back so the file and the site agree.
                try? Data(original.utf8).write(to: file, options: .atomic)
                throw fail("the import did not take '\(slug)': \(report.errors.map(\.description).joined(separator: "; "))")
            }
        }
        let afterwards = try await store.record(slug: slug)
        let scheduled = publish && afterwards?.status == .scheduled
        if output.json {
            return try sayJSON(Result(slug: slug, status: scheduled ? "scheduled" : publish ? "published" : "draft", changed: true, dryRun: dryRun.dryRun))
        }
        if scheduled, !dryRun.dryRun, let record = afterwards {
            return say("Scheduled \(slug) (\(sourcePath)): it goes public on \(DisplayDate.text(record.date)) UTC.")
        }
        say(
            dryRun.dryRun
                ? "Would mark \(sourcePath) as \(publish ? "published" : "a draft")."
                : "\(verb.prefix(1).uppercased() + verb.dropFirst()) \(slug) (\(sourcePath)).")
        dryRun.sayNothingChanged()
    }

    /// The post's lint problems refuse the publish, or with --force are warned about.
    private func lint(_ sourcePath: String) throws {
        let publicPath = Environment.value("LECTERN_PUBLIC") ?? "Public"
        var isDirectory: ObjCBool = false
        let hasPublic = FileManager.default.fileExists(atPath: publicPath, isDirectory: &isDirectory) && isDirectory.boolValue
        let report: ContentLint.Report
        do {
            report = try ContentLint(root: URL(fileURLWithPath: site.contentPath), publicFolder: hasPublic ? URL(fileURLWithPath: publicPath) : nil).run()
        } catch {
            throw fail(error.description)
        }
        let problems = report.problems.filter { $0.path == sourcePath }
        guard !problems.isEmpty else { return }
        if force {
            for problem in problems { warn("warning: \(problem.description) (published anyway: --force)") }
            return
        }
        throw fail(
            "'\(slug)' was not published: \(Counted.text(problems.count, "problem")) to fix first (or publish anyway with --force): "
                + problems.map(\.description).joined(separator: "; "))
    }

    struct Result: Encodable {
        var slug: String
        var status: String
        var changed: Bool
        var dryRun: Bool
    }
}
