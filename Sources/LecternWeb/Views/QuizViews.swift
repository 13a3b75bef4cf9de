import Foundation
import LecternCore
import LecternServices
import LecternStore

/// A lesson's knowledge check as a form. It never holds which option is right: that stays on the server.
struct QuizFormView: Sendable {
    var action: String
    var questions: [QuizQuestionView]
    var questionCount: Int
    var passMark: Int
    /// "Your best score so far: 60%." once the learner has tried.
    var standing: String?
    var hasPassed: Bool
    /// Set while the course's wait between attempts runs; the form is not offered then.
    var waitNotice: String?
    var canSubmit: Bool
    /// Set when answers were sent back to be completed.
    var formError: String?
}

struct QuizQuestionView: Sendable {
    var number: Int
    var fieldName: String
    var inputID: String
    var promptHTML: String
    var isSingle: Bool
    var isMultiple: Bool
    var isText: Bool
    var isNumber: Bool
    var options: [QuizOptionView]
    /// What the learner typed, kept when the form comes back.
    var value: String
    var error: String?
}

struct QuizOptionView: Sendable {
    var value: String
    var inputID: String
    var textHTML: String
    var isChecked: Bool
}

extension QuizFormView {
    /// The form for `lessonQuiz`, with `answers` and `problems` when the learner's answers came back incomplete.
    init(
        _ lessonQuiz: LessonQuiz, action: String, retryMinutes: Int, now: Date, dates: DateText, answers: QuizAnswers = [:],
        problems: [String: String] = [:]
    ) {
        questions = lessonQuiz.quiz.questions.enumerated().map { index, question in
            let field = "q.\(question.id)"
            let given = answers[question.id] ?? []
            return QuizQuestionView(
                number: index + 1, fieldName: field, inputID: "q-\(question.id)", promptHTML: question.promptHTML,
                isSingle: question.kind == .single, isMultiple: question.kind == .multiple, isText: question.kind == .text,
                isNumber: question.kind == .number,
                options: question.options.map { option in
                    QuizOptionView(
                        value: option.id, inputID: "q-\(question.id)-\(option.id)", textHTML: option.textHTML, isChecked: given.contains(option.id))
                },
                value: question.kind == .text || question.kind == .number ? given.first ?? "" : "",
                error: problems[question.id])
        }
        self.action = action
        questionCount = questions.count
        passMark = lessonQuiz.passMark
        hasPassed = lessonQuiz.best?.passed ?? false
        standing = lessonQuiz.best.map { best in
            best.passed
                ? "You passed this knowledge check (best score \(best.score)%). You can take it again to practise; your best score counts."
                : "Your best score so far is \(best.score)%; \(lessonQuiz.passMark)% passes."
        }
        let opens = Learning.nextAttempt(after: lessonQuiz.lastAttemptAt, retryMinutes: retryMinutes)
        if let opens, opens > now {
            waitNotice = "You can try again from \(dates.longWithTime(opens)). The course asks for a pause between attempts."
            canSubmit = false
        } else {
            canSubmit = true
        }
        formError =
            problems.isEmpty ? nil : "Answer every question before checking: \(problems.count == 1 ? "one needs" : "\(problems.count) need") an answer."
    }
}

/// The results of one attempt: score, what was right and wrong, and the explanations.
struct QuizResultPageView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var courseSlug: String
    var courseTitle: String
    var lessonTitle: String
    var lessonURL: String
    var lessonNumber: Int
    var score: Int
    var correct: Int
    var total: Int
    var passMark: Int
    var passed: Bool
    var attemptedAt: String
    var questions: [QuizResultQuestionView]
    /// Set when the quiz was edited after this attempt: the questions are not shown against answers they never had.
    var changedNotice: String?
    var nextURL: String?
    var nextTitle: String?
    var retryURL: String
    var waitNotice: String?
    var certificateCode: String?
    var notice: String?
}

struct QuizResultQuestionView: Sendable {
    var number: Int
    var promptHTML: String
    var isCorrect: Bool
    /// What the learner answered, as HTML (options' text is the editor's inline Markdown; typed text is escaped).
    var givenHTML: [String]
    var explanations: [String]
    /// The right answer, shown once the learner has passed (before, a retake would only copy it).
    var rightAnswerHTML: String?
    /// Several options were chosen: they are listed, one per line, rather than run together.
    var givenSeveral = false
}
