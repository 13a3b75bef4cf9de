import Foundation
import Testing

@testable import LecternCore

/// Knowledge checks as editors write them (a ```quiz block of YAML in a lesson) and as the server grades them.
@Suite struct QuizTests {
    static let lesson = """
        ---
        title: "Routing"
        module: "Foundations"
        ---
        Some text with code:

        ```python
        app = Flask(__name__)
        ```

        ```quiz
        questions:
          - id: converter
            type: single
            prompt: "What does `/courses/two` give?"
            options:
              - id: a
                text: "A 404"
                correct: true
                explanation: "No rule matches."
              - id: b
                text: "A *500*"
            explanation: "Converters match before views run."
          - id: methods
            type: multiple
            prompt: "Which are HTTP methods?"
            options:
              - id: get
                text: "GET"
                correct: true
              - id: post
                text: "POST"
                correct: true
              - id: fetch
                text: "FETCH"
          - id: variable
            type: text
            prompt: "Which variable turns debug mode on?"
            answers: ["FLASK_DEBUG", "flask_debug=1"]
          - id: port
            type: number
            prompt: "Default port?"
            answer: 5000
          - id: ratio
            type: number
            prompt: "Roughly a third, as a decimal?"
            answer: 0.333
            tolerance: 0.01
        ```
        """

    func parse(_ text: String) throws(ContentProblem) -> LessonDocument {
        var warnings: [ContentProblem] = []
        return try LessonParser.parse(
            path: "courses/c/lessons/02-routing.md", data: Data(text.utf8), contentHash: "h", courseSlug: "c", warnings: &warnings)
    }

    /// The lesson with its quiz block replaced by `quiz`.
    func lesson(quiz: String) -> String {
        "---\ntitle: \"T\"\nmodule: \"M\"\n---\nText.\n\n```quiz\n\(quiz)\n```\n"
    }

    func refusal(_ quiz: String) -> ContentProblem? {
        do {
            _ = try parse(lesson(quiz: quiz))
            return nil
        } catch {
            return error
        }
    }

    @Test func aQuizBlockBecomesTheLessonsQuizAndLeavesTheBody() throws {
        let lesson = try parse(Self.lesson)
        let quiz = try #require(lesson.quiz)
        #expect(quiz.questions.map(\.id) == ["converter", "methods", "variable", "port", "ratio"])
        #expect(quiz.questions.map(\.kind) == [.single, .multiple, .text, .number, .number])
        #expect(quiz.questions[0].promptHTML == "What does <code>/courses/two</code> give?")
        #expect(quiz.questions[0].options[1].textHTML == "A <em>500</em>")
        #expect(quiz.questions[0].options.map(\.isCorrect) == [true, false])
        #expect(quiz.questions[0].options[0].explanationHTML == "No rule matches.")
        #expect(quiz.questions[2].answers == ["flask_debug", "flask_debug=1"])
        #expect(quiz.questions[4].number == .init(answer: 0.333, tolerance: 0.01))
        #expect(lesson.passMark == 80)
        #expect(!lesson.html.contains("questions:"))
        #expect(lesson.html.contains(#"app = <span class="tok-fn">Flask</span>(__name__)"#))
    }

    @Test func aQuizShownInsideAnotherCodeBlockIsJustCode() throws {
        let text = "---\ntitle: \"T\"\nmodule: \"M\"\n---\nHow to write one:\n\n````markdown\n```quiz\nquestions: []\n```\n````\n"
        let lesson = try parse(text)
        #expect(lesson.quiz == nil)
        #expect(lesson.html.contains("```quiz"))
    }

    @Test(arguments: [
        ("questions:\n  - id: a\n    type: single\n    prompt: \"Q\"\n    options:\n      - id: x\n        text: \"X\"\n      - id: y\n        text: \"Y\"", 9,
         "question 'a' has no correct option"),
        ("questions:\n  - id: a\n    type: single\n    prompt: \"Q\"\n    options:\n      - id: x\n        text: \"X\"\n        correct: true\n      - id: y\n        text: \"Y\"\n        correct: true", 9,
         "single choice but has 2 correct options"),
        ("questions:\n  - id: a\n    type: text\n    prompt: \"Q\"\n    answers: [\"x\"]\n  - id: a\n    type: text\n    prompt: \"Q2\"\n    answers: [\"y\"]", 13,
         "question id 'a' is used twice (first on line 9)"),
        ("questions:\n  - id: a\n    type: single\n    prompt: \"Q\"\n    options:\n      - id: x\n        text: \"X\"\n        correct: true\n      - id: x\n        text: \"Y\"", 16,
         "two options with the id 'x'"),
        ("questions:\n  - id: a\n    type: text\n    prompt: \"  \"\n    answers: [\"x\"]", 11, "'prompt' in question 'a' is empty"),
        ("questions:\n  - id: a\n    type: number\n    prompt: \"Q\"\n    answer: 3\n    tolerance: about one", 13,
         "'tolerance' in question 'a' must be a number"),
        ("questions:\n  - id: a\n    type: single\n    prompt: \"Q\"\n    options:\n      - id: x\n        text: \"X\"\n        corect: true\n      - id: y\n        text: \"Y\"", 15,
         "unknown key 'corect'"),
        ("questions:\n  - id: a\n    type: essay\n    prompt: \"Q\"", 10, "the type of question 'a' is 'essay'"),
        ("questions:\n  - id: a\n    type: text\n    prompt: \"Q\"\n    options: []\n    answers: [\"x\"]", 12, "a text question has no 'options'"),
        ("questions:\n  - id: A B\n    type: text\n    prompt: \"Q\"\n    answers: [\"x\"]", 9, "must be lowercase letters, digits and hyphens"),
        ("questions: [", 9, "invalid YAML in the quiz"),
        ("questions: []", 8, "at least one question"),
    ])
    func aBrokenQuizIsRefusedWithItsLineAndReason(quiz: String, line: Int, reason: String) throws {
        let problem = try #require(refusal(quiz))
        #expect(problem.path == "courses/c/lessons/02-routing.md")
        #expect(problem.reason.contains(reason), "\(problem.reason)")
        #expect(problem.line == line, "\(problem.reason)")
        #expect(problem.description.hasPrefix("courses/c/lessons/02-routing.md:\(line): "))
    }

    @Test func anUnclosedQuizAndASecondQuizAreRefused() throws {
        let unclosed = "---\ntitle: \"T\"\nmodule: \"M\"\n---\nText.\n\n```quiz\nquestions: []\n"
        #expect(throws: ContentProblem.self) { try parse(unclosed) }
        let two = lesson(quiz: "questions:\n  - id: a\n    type: text\n    prompt: \"Q\"\n    answers: [\"x\"]") + "\n```quiz\nquestions: []\n```\n"
        do {
            _ = try parse(two)
            Issue.record("two quizzes were accepted")
        } catch {
            #expect(error.reason.contains("one quiz"))
            #expect(error.line == 15)
        }
    }

    @Test func aCheckpointHasNoQuizAndAPassMarkIsAPerCent() throws {
        let checkpoint = lesson(quiz: "questions:\n  - id: a\n    type: text\n    prompt: \"Q\"\n    answers: [\"x\"]")
            .replacingOccurrences(of: "module: \"M\"", with: "module: \"M\"\nkind: checkpoint")
        #expect(throws: ContentProblem.self) { try parse(checkpoint) }
        let passMark = Self.lesson.replacingOccurrences(of: "module: \"Foundations\"", with: "module: \"Foundations\"\npass_mark: 101")
        #expect(throws: ContentProblem.self) { try parse(passMark) }
        let sixty = Self.lesson.replacingOccurrences(of: "module: \"Foundations\"", with: "module: \"Foundations\"\npass_mark: 60\npreview: true")
        let lesson = try parse(sixty)
        #expect(lesson.passMark == 60)
        #expect(lesson.isPreview)
    }

    // MARK: Grading

    func quiz() throws -> Quiz { try #require(try parse(Self.lesson).quiz) }

    let allRight: QuizAnswers = [
        "converter": ["a"], "methods": ["get", "post"], "variable": ["  Flask_Debug "], "port": ["5,000"], "ratio": ["0.34"],
    ]

    @Test func rightAnswersScoreFullMarks() throws {
        let result = try QuizGrader.grade(try quiz(), answers: allRight, passMark: 80)
        #expect(result.correct == 5)
        #expect(result.score == 100)
        #expect(result.passed)
    }

    @Test func multipleChoiceNeedsEveryRightOptionAndNoWrongOne() throws {
        var answers = allRight
        answers["methods"] = ["get"]
        #expect(!(try QuizGrader.grade(try quiz(), answers: answers, passMark: 80)).isCorrect("methods"))
        answers["methods"] = ["get", "post", "fetch"]
        #expect(!(try QuizGrader.grade(try quiz(), answers: answers, passMark: 80)).isCorrect("methods"))
    }

    @Test func fourOfFiveIsEightyAndPassesThreeOfFiveFails() throws {
        var answers = allRight
        answers["port"] = ["8000"]
        let four = try QuizGrader.grade(try quiz(), answers: answers, passMark: 80)
        #expect(four.score == 80)
        #expect(four.passed)
        answers["converter"] = ["b"]
        let three = try QuizGrader.grade(try quiz(), answers: answers, passMark: 80)
        #expect(three.score == 60)
        #expect(!three.passed)
        #expect(three.correctQuestions.sorted() == ["methods", "ratio", "variable"])
    }

    @Test func textAnswersIgnoreCaseSpacesAndUnicodeForm() throws {
        let quiz = Quiz(questions: [QuizQuestion(id: "q", kind: .text, promptHTML: "Q", answers: [QuizAnswerText.normalise("Café au lait")])])
        for typed in ["café au lait", "  CAFÉ   AU LAIT ", "Cafe\u{301} au lait"] {
            #expect(try QuizGrader.grade(quiz, answers: ["q": [typed]], passMark: 80).passed, "\(typed)")
        }
        #expect(!(try QuizGrader.grade(quiz, answers: ["q": ["cafe au lait"]], passMark: 80)).passed)
    }

    @Test func numbersAreRightWithinTheTolerance() throws {
        var answers = allRight
        for (typed, right) in [("0.323", true), ("0.343", true), ("0.35", false), ("5000", true), ("5 000", true), ("5000.0", true)] {
            answers[typed.hasPrefix("0") ? "ratio" : "port"] = [typed]
            let result = try QuizGrader.grade(try quiz(), answers: answers, passMark: 80)
            #expect(result.isCorrect(typed.hasPrefix("0") ? "ratio" : "port") == right, "\(typed)")
            answers = allRight
        }
    }

    @Test func unansweredQuestionsAndForeignOptionsAreSentBackNotGraded() throws {
        var answers = allRight
        answers["variable"] = ["   "]
        answers["converter"] = ["z"]
        answers["port"] = ["3,5"]
        do {
            _ = try QuizGrader.grade(try quiz(), answers: answers, passMark: 80)
            Issue.record("graded incomplete answers")
        } catch let error as QuizAnswerProblem {
            #expect(Set(error.questions.keys) == ["variable", "converter", "port"])
        }
        answers = allRight
        answers["converter"] = ["a", "b"]
        #expect(throws: QuizAnswerProblem.self) { try QuizGrader.grade(try quiz(), answers: answers, passMark: 80) }
    }

    @Test func theVersionChangesWithWhatGradingDependsOnOnly() throws {
        let quiz = try quiz()
        var reworded = quiz
        reworded.questions[0].promptHTML = "Reworded"
        reworded.questions[0].explanationHTML = nil
        #expect(reworded.version == quiz.version)
        var changed = quiz
        changed.questions[0].options[1].isCorrect = true
        #expect(changed.version != quiz.version)
    }
}
