import Foundation

/// A lesson's knowledge check, as written by an editor in the lesson's ```` ```quiz ```` block (see `QuizParser`).
/// Text is kept as rendered HTML (inline Markdown), ready for a page; it is stored with the lesson as JSON.
public struct Quiz: Sendable, Equatable, Codable {
    public var questions: [QuizQuestion]

    public init(questions: [QuizQuestion]) {
        self.questions = questions
    }

    /// A digest of what grading depends on (questions, options, right answers), so an attempt records which version
    /// of the quiz it answered. Explanations and wording of prompts are left out: fixing a typo changes no version.
    public var version: String {
        var text = ""
        for question in questions {
            text += "q:\(question.id):\(question.kind.rawValue)\n"
            for option in question.options { text += "o:\(option.id):\(option.isCorrect)\n" }
            for answer in question.answers { text += "a:\(answer)\n" }
            if let number = question.number { text += "n:\(number.answer):\(number.tolerance)\n" }
        }
        return String(Digest.sha256Hex(text).prefix(16))
    }
}

/// One question of a quiz.
public struct QuizQuestion: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// One option is right.
        case single
        /// Every right option, and no wrong one, must be chosen.
        case multiple
        /// A short answer, compared with the accepted ones ignoring case, surrounding spaces and Unicode form.
        case text
        /// A number, right within a tolerance.
        case number
    }

    public struct NumberAnswer: Sendable, Equatable, Codable {
        public var answer: Double
        public var tolerance: Double

        public init(answer: Double, tolerance: Double) {
            self.answer = answer
            self.tolerance = tolerance
        }
    }

    public var id: String
    public var kind: Kind
    public var promptHTML: String
    public var options: [QuizOption]
    /// Accepted answers of a text question, normalised (`QuizAnswerText.normalise`).
    public var answers: [String]
    public var number: NumberAnswer?
    public var explanationHTML: String?

    public init(
        id: String, kind: Kind, promptHTML: String, options: [QuizOption] = [], answers: [String] = [], number: NumberAnswer? = nil,
        explanationHTML: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.promptHTML = promptHTML
        self.options = options
        self.answers = answers
        self.number = number
        self.explanationHTML = explanationHTML
    }
}

/// An option of a single- or multiple-choice question.
public struct QuizOption: Sendable, Equatable, Codable {
    public var id: String
    public var textHTML: String
    public var isCorrect: Bool
    public var explanationHTML: String?

    public init(id: String, textHTML: String, isCorrect: Bool, explanationHTML: String? = nil) {
        self.id = id
        self.textHTML = textHTML
        self.isCorrect = isCorrect
        self.explanationHTML = explanationHTML
    }
}

/// How text answers are compared: surrounding white space trimmed, inner runs of white space made one space, Unicode
/// NFC, case folded. "  Flask_App " and "flask_app" are the same answer.
public enum QuizAnswerText {
    public static func normalise(_ text: String) -> String {
        let words = text.precomposedStringWithCanonicalMapping.split(whereSeparator: { $0.isWhitespace })
        return words.joined(separator: " ").lowercased()
    }
}
