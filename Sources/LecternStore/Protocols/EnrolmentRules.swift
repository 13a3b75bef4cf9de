import Foundation
import LecternCore

// The rules of enrolment, the waitlist and certificates that are not SQL: one piece of code for both backends.

extension Seats {
    /// What `EnrolmentStore.enrol` does for a learner not enrolled yet.
    enum Admission {
        /// Enrol the learner; with the operator's reason when it admits them beyond the seats.
        case enrol(overCapacityReason: String?)
        case refuse(EnrolmentOutcome)
    }

    /// What `WaitlistStore.join` does for a learner not enrolled yet.
    enum Joining {
        case enrol
        case wait
        case refuse(PlaceOutcome)
    }
}

extension Seats.CourseState {
    /// A learner enrols themselves only on an `open` course; `byOperator` (the CLI) enrols on any. An operator's
    /// `overCapacityReason` admits the learner to a full course; the course's dates still apply.
    func admission(byOperator: Bool, overCapacityReason: String?) -> Seats.Admission {
        if !byOperator, mode != .open { return .refuse(.needs(mode)) }
        let beyondCapacity = state == .full && overCapacityReason != nil
        guard state == .open || beyondCapacity else { return .refuse(.refused(state)) }
        return .enrol(overCapacityReason: beyondCapacity ? overCapacityReason : nil)
    }

    /// Only an open course's waitlist is joined directly, and only when it is full: a free seat is taken at once.
    var joining: Seats.Joining {
        guard mode == .open else { return .refuse(.needs(mode)) }
        switch state {
        case .full: return .wait
        case .open: return .enrol
        case .notYetOpen, .closed: return .refuse(.refused(state))
        }
    }
}

extension CourseProgress {
    /// Progress from the current lessons the learner completed (each with whether it is optional) and the number of
    /// required lessons.
    init(completed: [(id: Int64, isOptional: Bool)], required: Int) {
        self.init(
            completedLessonIDs: Set(completed.map { $0.id }), completedRequired: completed.filter { !$0.isOptional }.count, required: required)
    }
}

extension CertificateAssessment {
    /// `averageBest` is the mean of the best scores of the knowledge checks passed, rounded by the database; it is
    /// told only when one was passed.
    init(lessonsCompleted: Int, quizzesPassed: Int, averageBest: Double?, checkpointsApproved: Int, courseVersion: String) {
        self.init(
            lessonsCompleted: lessonsCompleted, quizzesPassed: quizzesPassed, quizAverage: quizzesPassed > 0 ? averageBest.map { Int($0) } : nil,
            checkpointsApproved: checkpointsApproved, courseVersion: courseVersion)
    }

    /// The date the course's content last changed and seven hex digits of a hash over its files' hashes (the course's
    /// first, then its lessons' in syllabus order): two learners certified on the same version took the same lessons
    /// and checks.
    static func contentVersion(_ files: [(contentHash: String?, updatedAt: Date?)]) -> String {
        let hashes = files.map { $0.contentHash ?? "" }.joined(separator: "\n")
        let latest = files.compactMap { $0.updatedAt }.max() ?? Date(timeIntervalSince1970: 0)
        return "\(ContentDate.day(latest, timeZone: ContentDate.utc)).\(Digest.sha256Hex(hashes).prefix(7))"
    }
}

extension CertificateReissueError {
    /// Why a certificate cannot be reissued, or nil when it can: a replaced or revoked one is not.
    static func refusal(replacedBy: String?, revokedAt: Date?) -> CertificateReissueError? {
        if let replacedBy { return .alreadyReplaced(by: replacedBy) }
        if revokedAt != nil { return .revoked }
        return nil
    }
}

extension LearnerCourseEntry {
    /// A course on the learner's dashboard: progress through its syllabus, the first lesson not yet done (required
    /// ones first), and the lesson they opened last.
    init(slug: String, title: String, syllabus: [LessonSummary], completed: Set<Int64>, lastLessonID: Int64?, certifiedAt: Date?) {
        let next =
            syllabus.first { !$0.isOptional && !completed.contains($0.id) }
            ?? syllabus.first { !completed.contains($0.id) }
        self.init(
            slug: slug, title: title, progress: CourseProgress(syllabus, completed: completed), nextLesson: next,
            lastLesson: syllabus.first { $0.id == lastLessonID }, certifiedAt: certifiedAt)
    }
}
