import Foundation
import Yams

/// Why a lesson's quiz was refused: the line of the lesson file and what to fix there.
public struct QuizProblem: Error, Sendable, Equatable {
    public var line: Int
    public var reason: String

    public init(line: Int, _ reason: String) {
        self.line = line
        self.reason = reason
    }
}

/// Reads the quiz an editor wrote in a lesson: one fenced block with the info string `quiz` holding YAML.
///
/// ````markdown
/// ```quiz
/// questions:
///   - id: int-converter
///     type: single            # single | multiple | text | number
///     prompt: "What does Flask answer for `/courses/two`?"
///     options:
///       - id: a
///         text: "404 Not Found"
///         correct: true
///         explanation: "The converter does not match."
///       - id: b
///         text: "500 Internal Server Error"
///     explanation: "Shown after any attempt."
///   - id: port
///     type: number
///     prompt: "Which port does `flask run` use?"
///     answer: 5000
///     tolerance: 0
///   - id: variable
///     type: text
///     prompt: "Which variable turns debug mode on?"
///     answers: ["FLASK_DEBUG"]
/// ```
/// ````
///
/// Every rule is checked, and a broken quiz is refused whole with its line: a question without a right option,
/// duplicate ids, an empty prompt, a tolerance that is not a number, a misspelt key.
public enum QuizParser {
    static let questionKeys: Set<String> = ["id", "type", "prompt", "options", "answers", "answer", "tolerance", "explanation"]
    static let optionKeys: Set<String> = ["id", "text", "correct", "explanation"]
    static let maximumQuestions = 50
    static let optionCount = 2...10

    /// Takes the quiz block out of a lesson's Markdown `body`, whose first line is line `firstLine` of the file.
    /// Returns the body without it and the quiz (nil when the lesson has none).
    public static func extract(from body: String, firstLine: Int) throws(QuizProblem) -> (body: String, quiz: Quiz?) {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        var kept: [Substring] = []
        var quiz: Quiz?
        var index = 0
        while index < lines.count {
            let line = lines[index]
            guard let fence = Fence(opening: line) else {
                kept.append(line)
                index += 1
                continue
            }
            // The block runs to its closing fence (or the end of the file, as in CommonMark).
            var end = index + 1
            while end < lines.count, !fence.closes(lines[end]) { end += 1 }
            if fence.info == "quiz" {
                guard end < lines.count else {
                    throw QuizProblem(line: firstLine + index, "the quiz block is not closed: add a line \(fence.marker) after it")
                }
                guard quiz == nil else { throw QuizProblem(line: firstLine + index, "a lesson has one quiz: merge this block into the first") }
                let yaml = lines[(index + 1)..<end].joined(separator: "\n")
                quiz = try parse(yaml: yaml, firstLine: firstLine + index + 1)
            } else {
                kept.append(contentsOf: lines[index..<min(end + 1, lines.count)])
            }
            index = end + 1
        }
        return (kept.joined(separator: "\n"), quiz)
    }

    /// A code fence line: three or more backticks or tildes, indented by up to three spaces, and an info string.
    struct Fence {
        var character: Character
        var count: Int
        var info: String

        var marker: String { String(repeating: character, count: count) }

        init?(opening line: Substring) {
            let indent = line.prefix { $0 == " " }
            guard indent.count <= 3, let first = line.dropFirst(indent.count).first, first == "`" || first == "~" else { return nil }
            let run = line.dropFirst(indent.count).prefix { $0 == first }
            guard run.count >= 3 else { return nil }
            let info = line.dropFirst(indent.count + run.count).trimmingCharacters(in: .whitespaces)
            if first == "`", info.contains("`") { return nil }
            self.character = first
            self.count = run.count
            self.info = info.split(separator: " ").first.map(String.init) ?? ""
        }

        func closes(_ line: Substring) -> Bool {
            let indent = line.prefix { $0 == " " }
            guard indent.count <= 3 else { return false }
            let rest = line.dropFirst(indent.count)
            let run = rest.prefix { $0 == character }
            return run.count >= count && rest.dropFirst(run.count).allSatisfy { $0 == " " || $0 == "\t" }
        }
    }

    /// Parses the YAML of a quiz block whose first line is line `firstLine` of the lesson file.
    public static func parse(yaml: String, firstLine: Int) throws(QuizProblem) -> Quiz {
        let reader = Reader(firstLine: firstLine)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw reader.yamlProblem(error)
        }
        guard let root, case .mapping(let mapping) = root else {
            throw QuizProblem(line: firstLine, "a quiz is a 'questions:' list; see the example in the README")
        }
        let fields = try reader.fields(of: mapping, allowed: ["questions"], what: "the quiz")
        guard let questionsNode = fields["questions"], case .sequence(let list) = questionsNode, !list.isEmpty else {
            throw QuizProblem(line: reader.line(of: root), "the quiz needs a 'questions:' list with at least one question")
        }
        guard list.count <= maximumQuestions else {
            throw QuizProblem(line: reader.line(of: questionsNode), "a quiz has at most \(maximumQuestions) questions; this one has \(list.count)")
        }
        var questions: [QuizQuestion] = []
        var ids: [String: Int] = [:]
        for node in list {
            let question = try reader.question(node)
            if let other = ids[question.id] {
                throw QuizProblem(line: reader.line(of: node), "question id '\(question.id)' is used twice (first on line \(other))")
            }
            ids[question.id] = reader.line(of: node)
            questions.append(question)
        }
        return Quiz(questions: questions)
    }

    /// Reads nodes of one quiz, with the file's line numbers.
    struct Reader {
        var firstLine: Int

        func line(of node: Node) -> Int { firstLine + (node.mark?.line ?? 1) - 1 }

        func yamlProblem(_ error: any Error) -> QuizProblem {
            if let yamlError = error as? YamlError {
                switch yamlError {
                case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                    .composer(let context, let problem, let mark, _):
                    return QuizProblem(line: firstLine + mark.line - 1, "invalid YAML in the quiz: \(context.map { "\($0.text) " } ?? "")\(problem)")
                default:
                    break
                }
            }
            return QuizProblem(line: firstLine, "invalid YAML in the quiz")
        }

        /// The fields of a mapping by name; a key not in `allowed` is refused (a misspelt `correct` must not pass).
        func fields(of mapping: Node.Mapping, allowed: Set<String>, what: String) throws(QuizProblem) -> [String: Node] {
            var fields: [String: Node] = [:]
            for (keyNode, value) in mapping {
                guard let key = keyNode.scalar?.string else { throw QuizProblem(line: line(of: keyNode), "\(what) has a key that is not text") }
                guard allowed.contains(key) else {
                    throw QuizProblem(
                        line: line(of: keyNode), "unknown key '\(key)' in \(what) (known: \(allowed.sorted().joined(separator: ", ")))")
                }
                guard fields[key] == nil else { throw QuizProblem(line: line(of: keyNode), "'\(key)' is given twice in \(what)") }
                fields[key] = value
            }
            return fields
        }

        func text(_ node: Node?, _ name: String, in what: String, at fallback: Node) throws(QuizProblem) -> String {
            guard let node else { throw QuizProblem(line: line(of: fallback), "\(what) needs '\(name)'") }
            guard case .scalar(let scalar) = node else { throw QuizProblem(line: line(of: node), "'\(name)' in \(what) must be text") }
            let value = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw QuizProblem(line: line(of: node), "'\(name)' in \(what) is empty") }
            return value
        }

        func identifier(_ node: Node?, in what: String, at fallback: Node) throws(QuizProblem) -> String {
            let id = try text(node, "id", in: what, at: fallback)
            guard id.count <= 60, id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
                throw QuizProblem(line: line(of: node ?? fallback), "the id '\(id)' in \(what) must be lowercase letters, digits and hyphens")
            }
            return id
        }

        /// Inline Markdown as HTML: one paragraph's content (code spans, emphasis, links), no blocks.
        func inline(_ node: Node?, _ name: String, in what: String, at fallback: Node) throws(QuizProblem) -> String {
            let source = try text(node, name, in: what, at: fallback)
            let html = MarkdownRenderer.render(source).html.trimmingCharacters(in: .whitespacesAndNewlines)
            guard html.hasPrefix("<p>"), html.hasSuffix("</p>"), html.components(separatedBy: "<p>").count == 2 else {
                throw QuizProblem(line: line(of: node ?? fallback), "'\(name)' in \(what) must be one paragraph of inline Markdown")
            }
            return String(html.dropFirst(3).dropLast(4))
        }

        func optionalInline(_ node: Node?, _ name: String, in what: String) throws(QuizProblem) -> String? {
            guard let node else { return nil }
            return try inline(node, name, in: what, at: node)
        }

        func number(_ node: Node, _ name: String, in what: String) throws(QuizProblem) -> Double {
            guard case .scalar(let scalar) = node, let value = Double(scalar.string.trimmingCharacters(in: .whitespaces)), value.isFinite
            else {
                throw QuizProblem(line: line(of: node), "'\(name)' in \(what) must be a number, like 42 or 0.5")
            }
            return value
        }

        func question(_ node: Node) throws(QuizProblem) -> QuizQuestion {
            guard case .mapping(let mapping) = node else {
                throw QuizProblem(line: line(of: node), "each question is a list item of 'key: value' fields (id, type, prompt, …)")
            }
            let fields = try fields(of: mapping, allowed: QuizParser.questionKeys, what: "a question")
            let id = try identifier(fields["id"], in: "a question", at: node)
            let what = "question '\(id)'"
            let typeName = try text(fields["type"], "type", in: what, at: node)
            guard let kind = QuizQuestion.Kind(rawValue: typeName) else {
                throw QuizProblem(
                    line: line(of: fields["type"] ?? node),
                    "the type of \(what) is '\(typeName)'; it must be one of \(QuizQuestion.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var question = QuizQuestion(
                id: id, kind: kind, promptHTML: try inline(fields["prompt"], "prompt", in: what, at: node),
                explanationHTML: try optionalInline(fields["explanation"], "explanation", in: what))
            let misplaced: [String] =
                switch kind {
                case .single, .multiple: ["answers", "answer", "tolerance"]
                case .text: ["options", "answer", "tolerance"]
                case .number: ["options", "answers"]
                }
            for key in misplaced {
                if let stray = fields[key] { throw QuizProblem(line: line(of: stray), "a \(kind.rawValue) question has no '\(key)' (\(what))") }
            }
            switch kind {
            case .single, .multiple:
                question.options = try options(fields["options"], of: what, at: node)
                let right = question.options.filter(\.isCorrect).count
                if right == 0 { throw QuizProblem(line: line(of: node), "\(what) has no correct option: mark one with 'correct: true'") }
                if kind == .single, right > 1 {
                    throw QuizProblem(
                        line: line(of: node), "\(what) is single choice but has \(right) correct options: make it 'type: multiple' or keep one")
                }
            case .text:
                guard let answersNode = fields["answers"], case .sequence(let list) = answersNode, !list.isEmpty else {
                    throw QuizProblem(line: line(of: fields["answers"] ?? node), "\(what) needs 'answers': a list of the accepted answers")
                }
                var answers: [String] = []
                for answer in list {
                    let normalised = QuizAnswerText.normalise(try text(answer, "answers", in: what, at: answer))
                    if !answers.contains(normalised) { answers.append(normalised) }
                }
                question.answers = answers
            case .number:
                guard let answerNode = fields["answer"] else { throw QuizProblem(line: line(of: node), "\(what) needs 'answer': the right number") }
                let tolerance = try fields["tolerance"].map { (node) throws(QuizProblem) in try number(node, "tolerance", in: what) } ?? 0
                guard tolerance >= 0 else { throw QuizProblem(line: line(of: fields["tolerance"]!), "the tolerance of \(what) cannot be negative") }
                question.number = .init(answer: try number(answerNode, "answer", in: what), tolerance: tolerance)
            }
            return question
        }

        func options(_ node: Node?, of what: String, at fallback: Node) throws(QuizProblem) -> [QuizOption] {
            guard let node, case .sequence(let list) = node else {
                throw QuizProblem(line: line(of: node ?? fallback), "\(what) needs 'options': a list of choices")
            }
            guard QuizParser.optionCount.contains(list.count) else {
                throw QuizProblem(
                    line: line(of: node),
                    "\(what) has \(list.count) options; a choice has \(QuizParser.optionCount.lowerBound) to \(QuizParser.optionCount.upperBound)")
            }
            var options: [QuizOption] = []
            for item in list {
                guard case .mapping(let mapping) = item else {
                    throw QuizProblem(line: line(of: item), "each option of \(what) is a list item with 'id' and 'text'")
                }
                let fields = try fields(of: mapping, allowed: QuizParser.optionKeys, what: "an option of \(what)")
                let id = try identifier(fields["id"], in: "an option of \(what)", at: item)
                let optionWhat = "option '\(id)' of \(what)"
                if options.contains(where: { $0.id == id }) { throw QuizProblem(line: line(of: item), "\(what) has two options with the id '\(id)'") }
                var isCorrect = false
                if let flag = fields["correct"] {
                    guard case .scalar(let scalar) = flag, let value = Bool.construct(from: scalar), ["true", "false"].contains(scalar.string)
                    else {
                        throw QuizProblem(line: line(of: flag), "'correct' in \(optionWhat) must be true or false")
                    }
                    isCorrect = value
                }
                options.append(
                    QuizOption(
                        id: id, textHTML: try inline(fields["text"], "text", in: optionWhat, at: item), isCorrect: isCorrect,
                        explanationHTML: try optionalInline(fields["explanation"], "explanation", in: optionWhat)))
            }
            return options
        }
    }
}
