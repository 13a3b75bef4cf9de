import Foundation
import LecternCore

/// What the `answers` column of an attempt holds: the answers as given and the questions they got right.
struct StoredAnswers: Codable {
    var answers: QuizAnswers
    var correct: [String]

    /// The column's text for an attempt's answers and their grading.
    static func column(_ answers: QuizAnswers, _ result: QuizResult) -> String {
        JSONColumn.encode(StoredAnswers(answers: answers, correct: result.correctQuestions))
    }
}

extension QuizAttempt {
    /// An attempt as stored: its columns, with the `answers` column's text (unreadable, it reads as no answers).
    init(
        id: Int64, userID: Int64, lessonID: Int64, quizVersion: String, answersColumn: String?, correct: Int, total: Int, score: Int, passed: Bool,
        createdAt: Date
    ) {
        let stored = JSONColumn.decode(StoredAnswers.self, answersColumn) ?? StoredAnswers(answers: [:], correct: [])
        self.init(
            id: id, userID: userID, lessonID: lessonID, quizVersion: quizVersion, answers: stored.answers,
            result: QuizResult(correctQuestions: stored.correct, correct: correct, total: total, score: score, passed: passed), createdAt: createdAt)
    }
}
