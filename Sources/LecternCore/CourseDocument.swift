import Foundation

/// A course as read from `Content/courses/<slug>/course.md`.
public struct CourseDocument: Sendable, Equatable {
    public var slug: String
    public var title: String
    public var subtitle: String
    public var level: String
    public var duration: String
    public var price: String
    public var capacity: Int?
    public var enrolmentOpens: Date?
    public var enrolmentCloses: Date?
    public var benefits: [String]
    public var outcomes: [String]
    public var instructors: [String]
    public var modules: [String]
    /// Shown on the home page and in the promo box of posts.
    public var isFeatured: Bool
    public var descriptionHTML: String
    public var summary: String
    public var sourcePath: String
    public var contentHash: String
    /// How long a learner who failed a knowledge check waits before trying again (0: at once).
    public var quizRetryMinutes = 0
    /// Days after a learner enrols that each module opens, parallel to `modules` (0: at once).
    public var moduleOpensAfterDays: [Int] = []
    /// The day a cohort starts, when the course runs as one.
    public var startsOn: Date?
    /// How a place is obtained (`enrolment: open|code|approval`).
    public var enrolmentMode = EnrolmentMode.open
    /// What the price covers, shown beside it.
    public var priceIncludes: String?
}

/// Turns the bytes of a `course.md` into a `CourseDocument`, or a one-line reason for the editor.
public enum CourseParser {
    public static let knownFields: Set<String> = [
        "title", "subtitle", "level", "duration", "price", "capacity", "enrolment_opens", "enrolment_closes",
        "benefits", "outcomes", "instructors", "modules", "featured", "quiz_retry_minutes", "starts_on",
        "enrolment", "price_includes",
    ]

    /// `path` is relative to the content folder: `courses/<slug>/course.md`.
    public static func parse(path: String, data: Data, contentHash: String, warnings: inout [ContentProblem]) throws(ContentProblem) -> CourseDocument
    {
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ContentProblem(path: path, reason: "the file is not valid UTF-8 text: save it as UTF-8")
        }
        let folder = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent
        guard Slug.isValid(folder) else {
            throw ContentProblem(path: path, reason: "the folder name '\(folder)' is not a valid slug: rename it to '\(Slug.make(from: folder))'")
        }
        do throws(FrontMatterError) {
            let frontMatter = try FrontMatter(parsing: text)
            for reason in frontMatter.warnings(known: knownFields) {
                warnings.append(ContentProblem(path: path, reason: reason, severity: .warning))
            }
            let opens = try frontMatter.optionalDate("enrolment_opens")
            let closes = try frontMatter.optionalDate("enrolment_closes")
            if let opens, let closes, closes <= opens {
                throw FrontMatterError("'enrolment_closes' must be after 'enrolment_opens'")
            }
            let (modules, schedule) = try Self.modules(frontMatter)
            guard !modules.isEmpty else { throw FrontMatterError("missing required field 'modules' (an ordered list of module titles)") }
            if let duplicate = Dictionary(grouping: modules, by: { $0.lowercased() }).first(where: { $0.value.count > 1 })?.value.first {
                throw FrontMatterError("the module '\(duplicate)' is listed twice")
            }
            let rendered = MarkdownRenderer.render(frontMatter.body)
            var course = CourseDocument(
                slug: folder,
                title: try frontMatter.requiredText("title"),
                subtitle: try frontMatter.optionalText("subtitle") ?? "",
                level: try frontMatter.optionalText("level") ?? "",
                duration: try frontMatter.optionalText("duration") ?? "",
                price: try frontMatter.requiredText("price"),
                capacity: try frontMatter.optionalCount("capacity"),
                enrolmentOpens: opens,
                enrolmentCloses: closes,
                benefits: try frontMatter.textList("benefits"),
                outcomes: try frontMatter.textList("outcomes"),
                instructors: try frontMatter.textList("instructors"),
                modules: modules,
                isFeatured: try frontMatter.bool("featured"),
                descriptionHTML: rendered.html,
                summary: Excerpt.make(from: rendered.firstParagraph, limit: 240),
                sourcePath: path,
                contentHash: contentHash
            )
            course.quizRetryMinutes = try frontMatter.optionalCount("quiz_retry_minutes") ?? 0
            course.moduleOpensAfterDays = schedule
            course.startsOn = try frontMatter.optionalDate("starts_on")
            if let mode = try frontMatter.optionalText("enrolment") {
                guard let parsed = EnrolmentMode(rawValue: mode.lowercased()) else {
                    throw FrontMatterError("'enrolment' must be open, code or approval, not '\(mode)'")
                }
                course.enrolmentMode = parsed
            }
            course.priceIncludes = try frontMatter.optionalText("price_includes")
            return course
        } catch {
            throw ContentProblem(path: path, reason: error.message)
        }
    }

    /// `modules` is a list whose items are either a title or `{title: …, opens_after_days: N}` for a module that opens
    /// N days after the learner enrols.
    static func modules(_ frontMatter: FrontMatter) throws(FrontMatterError) -> ([String], [Int]) {
        guard case .list(let items) = frontMatter.fields["modules"] else { return (try frontMatter.textList("modules"), []) }
        var titles: [String] = []
        var days: [Int] = []
        for (index, item) in items.enumerated() {
            switch item {
            case .scalar(let text):
                let title = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !title.isEmpty else { throw FrontMatterError("module \(index + 1) in 'modules' has no title") }
                titles.append(title)
                days.append(0)
            case .map(let fields):
                if let unknown = fields.keys.filter({ $0 != "title" && $0 != "opens_after_days" }).sorted().first {
                    throw FrontMatterError("module \(index + 1) in 'modules' has an unknown field '\(unknown)' (use 'title' and 'opens_after_days')")
                }
                guard case .scalar(let text) = fields["title"], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw FrontMatterError("module \(index + 1) in 'modules' needs a 'title'")
                }
                var opens = 0
                switch fields["opens_after_days"] {
                case nil: break
                case .scalar(let value):
                    guard let number = Int(value.trimmingCharacters(in: .whitespaces)), number >= 0 else {
                        throw FrontMatterError("'opens_after_days' of module '\(text)' must be a whole number of days, 0 or more, not '\(value)'")
                    }
                    opens = number
                default: throw FrontMatterError("'opens_after_days' of module '\(text)' must be a whole number of days")
                }
                titles.append(text.trimmingCharacters(in: .whitespacesAndNewlines))
                days.append(opens)
            case .list: throw FrontMatterError("module \(index + 1) in 'modules' must be a title or 'title' and 'opens_after_days' fields")
            }
        }
        return (titles, days)
    }
}
