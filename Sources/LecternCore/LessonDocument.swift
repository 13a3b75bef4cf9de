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
    /// A lesson to read, or a checkpoint: a brief, answered by a submission an instructor reviews.
    public var kind: LessonKind = .lesson
    /// Readable by anyone, enrolled or not, as a taste of the course.
    public var isPreview = false
    /// The editor's estimate of the time exercises (or the checkpoint's work) take, beyond reading.
    public var exerciseMinutes = 0
    /// The lesson's knowledge check; the lesson is complete only once it is passed.
    public var quiz: Quiz?
    /// Per cent of a quiz's questions to get right to pass it.
    public var passMark = QuizGrader.defaultPassMark
}

/// What a lesson asks of the learner.
public enum LessonKind: String, Sendable, Equatable, Codable {
    case lesson
    case checkpoint
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
    public static let knownFields: Set<String> = ["title", "module", "optional", "kind", "preview", "exercise_minutes", "pass_mark"]

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
        var lesson: LessonDocument
        let body: (text: String, firstLine: Int)
        do throws(FrontMatterError) {
            let frontMatter = try FrontMatter(parsing: text)
            for reason in frontMatter.warnings(known: knownFields) {
                warnings.append(ContentProblem(path: path, reason: reason, severity: .warning))
            }
            let kindName = try frontMatter.optionalText("kind") ?? LessonKind.lesson.rawValue
            guard let kind = LessonKind(rawValue: kindName) else {
                throw FrontMatterError("kind must be 'lesson' or 'checkpoint', not '\(kindName)'")
            }
            let passMark = try frontMatter.optionalCount("pass_mark") ?? QuizGrader.defaultPassMark
            guard (1...100).contains(passMark) else { throw FrontMatterError("pass_mark must be a per cent from 1 to 100, not \(passMark)") }
            let exerciseMinutes = try frontMatter.optionalCount("exercise_minutes") ?? 0
            guard exerciseMinutes <= 100 * 60 else { throw FrontMatterError("exercise_minutes is minutes: \(exerciseMinutes) is over 100 hours") }
            lesson = LessonDocument(
                courseSlug: courseSlug,
                slug: String(base.dropFirst(digits.count + 1)),
                position: position,
                title: try frontMatter.requiredText("title"),
                module: try frontMatter.requiredText("module"),
                isOptional: try frontMatter.bool("optional"),
                html: "",
                readingMinutes: 0,
                sourcePath: path,
                contentHash: contentHash
            )
            lesson.kind = kind
            lesson.isPreview = try frontMatter.bool("preview")
            lesson.exerciseMinutes = exerciseMinutes
            lesson.passMark = passMark
            body = (frontMatter.body, frontMatter.bodyLine)
        } catch {
            throw ContentProblem(path: path, reason: error.message)
        }
        let extracted: (body: String, quiz: Quiz?)
        do throws(QuizProblem) {
            extracted = try QuizParser.extract(from: body.text, firstLine: body.firstLine)
        } catch {
            throw ContentProblem(path: path, line: error.line, reason: error.reason)
        }
        if lesson.kind == .checkpoint, extracted.quiz != nil {
            throw ContentProblem(path: path, reason: "a checkpoint has no quiz: its brief is answered by a submission an instructor reviews")
        }
        let rendered = MarkdownRenderer.render(extracted.body)
        lesson.html = rendered.html
        lesson.readingMinutes = ReadingTime.minutes(forWords: ReadingTime.wordCount(rendered.plainText))
        lesson.quiz = extracted.quiz
        return lesson
    }
}
