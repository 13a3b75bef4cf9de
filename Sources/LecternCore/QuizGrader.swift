import Foundation

/// A learner's answers to a quiz: for each question id, the chosen option ids (choice questions) or the one text typed.
public typealias QuizAnswers = [String: [String]]

/// What an attempt got right: per question, and the score.
public struct QuizResult: Sendable, Equatable, Codable {
    public var correctQuestions: [String]
    public var correct: Int
    public var total: Int
    /// Per cent of questions answered right, rounded down (4 of 5 is 80).
    public var score: Int
    public var passed: Bool

    public init(correctQuestions: [String], correct: Int, total: Int, score: Int, passed: Bool) {
        self.correctQuestions = correctQuestions
        self.correct = correct
        self.total = total
        self.score = score
        self.passed = passed
    }

    public func isCorrect(_ questionID: String) -> Bool { correctQuestions.contains(questionID) }
}

/// Why answers cannot be graded: the learner has something to fix (nothing is recorded).
public struct QuizAnswerProblem: Error, Sendable, Equatable {
    /// Per question id, what to fix.
    public var questions: [String: String]
}

/// Grades answers on the server: the page never holds which option is right.
public enum QuizGrader {
    public static let defaultPassMark = 80
    static let maximumTextLength = 500

    /// Checks that every question is answered, and only with its own options; then grades.
    public static func grade(_ quiz: Quiz, answers: QuizAnswers, passMark: Int) throws(QuizAnswerProblem) -> QuizResult {
        var problems: [String: String] = [:]
        var correct: [String] = []
        for question in quiz.questions {
            let given = (answers[question.id] ?? []).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            switch question.kind {
            case .single, .multiple:
                let known = Set(question.options.map(\.id))
                if given.isEmpty {
                    problems[question.id] = question.kind == .single ? "Choose an answer." : "Choose at least one answer."
                } else if !given.allSatisfy(known.contains) {
                    problems[question.id] = "That choice is not one of this question's options; reload the page and answer again."
                } else if question.kind == .single, given.count > 1 {
                    problems[question.id] = "Choose one answer."
                } else if Set(given) == Set(question.options.filter(\.isCorrect).map(\.id)) {
                    correct.append(question.id)
                }
            case .text:
                if given.count != 1 {
                    problems[question.id] = "Type an answer."
                } else if given[0].count > maximumTextLength {
                    problems[question.id] = "Keep the answer under \(maximumTextLength) characters."
                } else if question.answers.contains(QuizAnswerText.normalise(given[0])) {
                    correct.append(question.id)
                }
            case .number:
                if given.count != 1 {
                    problems[question.id] = "Type a number."
                } else if let value = number(given[0]), let expected = question.number {
                    // A little room for floating point: 0.1 + 0.2 is 0.3 here.
                    if abs(value - expected.answer) <= expected.tolerance + 1e-9 * max(1, abs(expected.answer)) { correct.append(question.id) }
                } else {
                    problems[question.id] = "Type a number, like 42 or 3.5."
                }
            }
        }
        guard problems.isEmpty else { throw QuizAnswerProblem(questions: problems) }
        let total = quiz.questions.count
        let score = total == 0 ? 0 : correct.count * 100 / total
        return QuizResult(correctQuestions: correct, correct: correct.count, total: total, score: score, passed: score >= passMark)
    }

    /// A number as people type it: spaces and thousands commas ("5,000", "5 000") are ignored, a decimal point is a
    /// point. "3,5" is not read as 3.5: it is refused rather than guessed.
    static func number(_ text: String) -> Double? {
        var cleaned = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "")
            .replacingOccurrences(of: "\u{202F}", with: "").replacingOccurrences(of: "\u{00A0}", with: "")
        if cleaned.contains(",") {
            let groups = cleaned.split(separator: ".", maxSplits: 1)[0].split(separator: ",", omittingEmptySubsequences: false)
            let leading = groups[0].drop { $0 == "-" || $0 == "+" }
            guard groups.count > 1, groups.dropFirst().allSatisfy({ $0.count == 3 }), (1...3).contains(leading.count) else { return nil }
            cleaned = cleaned.replacingOccurrences(of: ",", with: "")
        }
        guard let value = Double(cleaned), value.isFinite else { return nil }
        return value
    }
}
