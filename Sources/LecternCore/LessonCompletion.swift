import Foundation

/// Why a learner cannot mark a lesson complete themselves: what the lesson asks for instead.
public enum LessonCompletionRefusal: Error, Sendable, Equatable {
    /// The lesson ends with a knowledge check, not passed yet.
    case quizNotPassed
    /// The lesson is a checkpoint: an instructor's approval completes it.
    case checkpointNeedsApproval

    /// What the learner is told.
    public var message: String {
        switch self {
        case .quizNotPassed: "This lesson ends with a knowledge check: pass it to complete the lesson."
        case .checkpointNeedsApproval: "A checkpoint is complete once an instructor approves your submission."
        }
    }
}

/// What completes a lesson: reading it, passing its knowledge check, or an instructor's approval of a checkpoint.
/// The rule is checked where completions are written, in the same transaction, so no route around it exists.
public enum LessonCompletionRule {
    public static func check(kind: LessonKind, hasQuiz: Bool, quizPassed: Bool) throws(LessonCompletionRefusal) {
        if kind == .checkpoint { throw .checkpointNeedsApproval }
        if hasQuiz, !quizPassed { throw .quizNotPassed }
    }
}
