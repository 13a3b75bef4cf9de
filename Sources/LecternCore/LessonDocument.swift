import Foundation

/// A lesson as read from `Content/courses/<course>/lessons/NN-<slug>.md`: its place comes from the number in the file name.
public struct LessonDocument: Sendable, Equatable {
    public var courseSlug: String
    public var slug: String
    public var position: Int
    public var title: String
    public var module: String
    public var isOptional: Bool
    public var html: String
    public var readingMinutes: Int
    public var sourcePath: String
    public var contentHash: String
}

/// Turns the bytes of a lesson file into a `LessonDocument`, or a one-line reason for the editor.
extension LessonDocument {
    /// Why this lesson cannot belong to a course with `modules`, or nil when its module is one of them.
    public func moduleProblem(modules: [String]) -> ContentProblem? {
        guard !modules.contains(module) else { return nil }
        return ContentProblem(
            path: sourcePath, reason: "module '\(module)' is not one of the course's modules (\(modules.map { "'\($0)'" }.joined(separator: ", ")))")
    }
}

public enum LessonParser {
    public static let knownFields: Set<String> = ["title", "module", "optional"]

    /// `path` is relative to the content folder: `courses/<course>/lessons/NN-<slug>.md`.
    public static func parse(
        path: String, data: Data, contentHash: String, courseSlug: String, warnings: inout [ContentProblem]
    ) throws(ContentProblem) -> LessonDocument {
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ContentProblem(path: path, reason: "the file is not valid UTF-8 text: save it as UTF-8")
        }
        let fileName = (path as NSString).lastPathComponent
        let base = fileName.hasSuffix(".md") ? String(fileName.dropLast(3)) : fileName
        let digits = base.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let position = Int(digits), base.dropFirst(digits.count).first == "-",
            Slug.isValid(String(base.dropFirst(digits.count + 1)))
        else {
            throw ContentProblem(
                path: path, reason: "a lesson file name must be a number, a hyphen and a slug, like '03-templates-with-jinja.md'")
        }
        do throws(FrontMatterError) {
            let frontMatter = try FrontMatter(parsing: text)
            for reason in frontMatter.warnings(known: knownFields) {
                warnings.append(ContentProblem(path: path, reason: reason, severity: .warning))
            }
            let rendered = MarkdownRenderer.render(frontMatter.body)
            return LessonDocument(
                courseSlug: courseSlug,
                slug: String(base.dropFirst(digits.count + 1)),
                position: position,
                title: try frontMatter.requiredText("title"),
                module: try frontMatter.requiredText("module"),
                isOptional: try frontMatter.bool("optional"),
                html: rendered.html,
                readingMinutes: ReadingTime.minutes(forWords: ReadingTime.wordCount(rendered.plainText)),
                sourcePath: path,
                contentHash: contentHash
            )
        } catch {
            throw ContentProblem(path: path, reason: error.message)
        }
    }
}
