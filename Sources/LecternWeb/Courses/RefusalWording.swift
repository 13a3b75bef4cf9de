import Foundation
import HTTPTypes
import LecternCore
import LecternServices
import LecternStore

/// How a refusal from the services is told to people and programs: its status, its problem type, and the words (dates
/// in the site's time zone). `ErrorPageMiddleware` uses it for pages and problem documents alike, so a refusal reads
/// the same wherever it came from.
struct RefusalWording: Sendable {
    let dates: DateText

    struct Told {
        var status: HTTPResponse.Status
        var kind: APIProblem.Kind
        var message: String
        var headers: HTTPFields = [:]
        /// Per field, what to fix (answers, a submission, a note, a code).
        var errors: [APIProblem.FieldProblem] = []

        var problem: APIProblem {
            var problem = APIProblem(kind: kind, status: status, detail: message, headers: headers)
            problem.errors = errors
            return problem
        }
    }

    /// The telling of `error`, when it is a refusal.
    func tell(_ error: any Error) -> Told? {
        switch error {
        case let refusal as CourseRefusal: tell(refusal)
        case let refusal as AdministrationRefusal: tell(refusal)
        case let refusal as ReviewRefusal: tell(refusal)
        case let refusal as AccountRefusal: tell(refusal)
        case let problems as AccountProblems:
            Told(
                status: .unprocessableContent, kind: .validationFailed,
                message: problems.messages.sorted { $0.key.rawValue < $1.key.rawValue }.map(\.value).joined(separator: " "))
        case let locked as LessonLockedError:
            Told(
                status: .forbidden, kind: .lessonLocked,
                message: "This lesson opens on \(dates.longWithTime(locked.opensAt)). Its module opens a set number of days after you enrolled.")
        case let certified as CourseCertifiedError:
            Told(
                status: .conflict, kind: .courseCertified,
                message: "Your certificate for this course was issued on \(dates.long(certified.issuedAt)): the lessons it certifies stay complete.")
        default: nil
        }
    }

    func tell(_ refusal: CourseRefusal) -> Told {
        switch refusal {
        case .noSuchCourse:
            Told(status: .notFound, kind: .noSuchCourse, message: "There is no course at this address. See the catalogue for the courses on offer.")
        case .noSuchLesson:
            Told(status: .notFound, kind: .noSuchLesson, message: "This course has no such lesson. It may have been renamed or removed; see the syllabus.")
        case .notEnrolled(let title):
            Told(
                status: .forbidden, kind: .notEnrolled,
                message: "Enrol in \(title) to track your progress through its lessons, take its knowledge checks and send work for its checkpoints.")
        case .notACheckpoint: Told(status: .notFound, kind: .notACheckpoint, message: "This lesson is not a checkpoint: there is nothing to send.")
        case .noQuiz: Told(status: .notFound, kind: .noQuiz, message: "This lesson has no knowledge check. It may have been changed; reload the lesson.")
        case .quizTooSoon(let until):
            Told(
                status: .tooManyRequests, kind: .quizWait,
                message: "This course asks for a pause between attempts: you can try again from \(dates.longWithTime(until)).",
                headers: [.retryAfter: String(max(1, Int(until.timeIntervalSinceNow.rounded(.up))))])
        case .quizIncomplete(let problem):
            Told(
                status: .unprocessableContent, kind: .answersIncomplete, message: "Answer every question of the knowledge check: nothing was recorded.",
                errors: problem.questions.sorted { $0.key < $1.key }.map { APIProblem.FieldProblem(name: "answers.\($0.key)", reason: $0.value) })
        case .answersTooLarge:
            Told(
                status: .unprocessableContent, kind: .validationFailed, message: "Those answers are larger than any knowledge check: nothing was recorded.",
                errors: [
                    APIProblem.FieldProblem(
                        name: "answers",
                        reason:
                            "must answer at most \(Learning.answerLimits.questions) questions with at most \(Learning.answerLimits.choices) choices of \(Learning.answerLimits.characters) characters"
                    )
                ])
        case .checkpointInvalid(let problems):
            Told(
                status: .unprocessableContent, kind: .submissionInvalid, message: "The submission has something to fix: nothing was sent.",
                errors: problems.fields.sorted { $0.key < $1.key }.map { APIProblem.FieldProblem(name: $0.key, reason: $0.value) })
        case .checkpoint(let refusal): Told(status: .conflict, kind: .checkpointRefused, message: refusal.message)
        case .completion(let refusal): Told(status: .conflict, kind: .completionRefused, message: refusal.message)
        case .codeMissing:
            Told(
                status: .unprocessableContent, kind: .codeMissing, message: "Enter the access code you were given.",
                errors: [APIProblem.FieldProblem(name: "code", reason: "is empty: enter the access code you were given")])
        case .code(.unknown):
            // No such code (for this course): a 404, as for anything a client names that is not there.
            Told(status: .notFound, kind: .unknownCode, message: codeMessage(.unknown))
        case .code(let problem):
            Told(
                status: .conflict, kind: .codeRefused, message: codeMessage(problem),
                errors: [APIProblem.FieldProblem(name: "code", reason: codeMessage(problem))])
        case .tooManyWrongCodes(let wait):
            Told(
                status: .tooManyRequests, kind: .tooManyWrongCodes,
                message: "Too many wrong codes were tried. Check the code you were given, then try again later.",
                headers: [.retryAfter: String(Int(wait.rounded(.up)))])
        case .noteTooLong(let count):
            Told(
                status: .unprocessableContent, kind: .validationFailed,
                message: "Keep the note to \(RequestNote.maxLength.formatted()) characters (it has \(count.formatted())).",
                errors: [APIProblem.FieldProblem(name: "note", reason: "must be at most \(RequestNote.maxLength) characters (it has \(count))")])
        case .enrolmentClosed(let state): Told(status: .conflict, kind: .enrolmentClosed, message: enrolmentClosed(state))
        case .placeNeeds(let mode):
            Told(status: .conflict, kind: .placeGivenOtherwise, message: placeNeeds(mode))
        }
    }

    func tell(_ refusal: AdministrationRefusal) -> Told {
        switch refusal {
        case .invalid(let field, let reason):
            Told(
                status: .unprocessableContent, kind: .validationFailed, message: "`\(field)` \(reason).",
                errors: [APIProblem.FieldProblem(name: field, reason: reason)])
        case .noSuchAccount:
            Told(status: .notFound, kind: .noSuchAccount, message: "No account has that address. Find it with GET /api/v1/admin/users?search=…")
        case .noSuchCode: Told(status: .notFound, kind: .noSuchCode, message: "No access code has that value. Check it against the list of the course's codes.")
        case .noRequest(let enrolled):
            enrolled
                ? Told(status: .conflict, kind: .alreadyEnrolled, message: "The learner is already enrolled: there is nothing to decide.")
                : Told(status: .notFound, kind: .noRequest, message: "The learner has no request for this course waiting for a decision.")
        case .requestWaitingForSeat(let position):
            Told(
                status: .conflict, kind: .requestWaitingForSeat,
                message: "The request waits for a seat (number \(position) on the waitlist): raise the capacity first, or decline it.")
        case .lastAdministrator:
            Told(status: .conflict, kind: .conflict, message: "That account is the only active administrator: promote someone else first.")
        case .noSuchToken: Told(status: .notFound, kind: .notFound, message: "No access token has that id.")
        }
    }

    func tell(_ refusal: AccountRefusal) -> Told {
        switch refusal {
        case .tooManyMailForms(let seconds): waiting(seconds, "Too many requests came from your network. Wait a while and try again.")
        case .tooManyChanges(let seconds): waiting(seconds, "Your account has made many changes in the last hour. Wait a while and try again.")
        case .tooManyVerificationLinks(let seconds):
            waiting(seconds, "We have sent several links in the last hour. Check your spam folder, or wait and try again.")
        case .tooManyFailedLogins(let seconds): waiting(seconds, "Too many failed attempts. Wait and try again, or reset your password.")
        case .addressTakenMeanwhile:
            Told(status: .conflict, kind: .conflict, message: "Another account started using that address meanwhile, so yours was not changed.")
        case .noSuchToken:
            Told(status: .notFound, kind: .notFound, message: "You have no token with this number. Your tokens are listed on the access tokens page.")
        case .noSuchNotice:
            Told(status: .notFound, kind: .notFound, message: "You have no notification with this number. Your notifications are listed on their page.")
        }
    }

    /// A 429 that says roughly how long to wait, with `Retry-After`.
    private func waiting(_ seconds: TimeInterval, _ message: String) -> Told {
        let minutes = max(1, Int((seconds / 60).rounded(.up)))
        return Told(
            status: .tooManyRequests, kind: .rateLimited, message: "\(message) (about \(minutes) minute\(minutes == 1 ? "" : "s"))",
            headers: [.retryAfter: String(Int(seconds.rounded(.up)))])
    }

    func tell(_ refusal: ReviewRefusal) -> Told {
        switch refusal {
        case .feedbackTooLong(let count):
            Told(
                status: .unprocessableContent, kind: .validationFailed,
                message: "Keep the feedback under \(Reviews.maxFeedbackLength.formatted()) characters (it has \(count.formatted())).")
        case .reasonTooLong:
            Told(status: .unprocessableContent, kind: .validationFailed, message: "Keep the note to the learner under \(Reviews.maxReasonLength) characters.")
        case .noSuchSubmission:
            Told(status: .notFound, kind: .notFound, message: "There is no such submission in the courses you teach. See the review queue.")
        case .noSuchRequest: Told(status: .notFound, kind: .noRequest, message: "There is no such request for a course you teach. See the review page.")
        case .requestAlreadyDecided(let status):
            Told(
                status: .conflict, kind: .conflict,
                message: "This request was already \(status == .withdrawn ? "withdrawn by the learner" : status.rawValue). See the review page.")
        }
    }

    /// What is wrong with a typed access code.
    func codeMessage(_ problem: AccessCodeProblem) -> String {
        switch problem {
        case .unknown:
            "That code does not give a place on this course. Check it character by character: a code has 15 letters and digits, such as 7KQ2M-XW9FD-R4TCN."
        case .used: "That code has already been used for every place it gives. Ask whoever gave it to you for another."
        case .expired(let date): "That code expired on \(dates.long(date)). Ask the school for a new one."
        case .revoked: "That code was withdrawn by the school. Ask them for a new one."
        case .alreadyRedeemed: "You have already used that code."
        }
    }

    /// Why a place was refused, in the learner's words.
    func enrolmentClosed(_ state: EnrolmentState) -> String {
        switch state {
        case .full: "Sorry, the last seat was taken before your request arrived. This course is full: you can join its waitlist."
        case .notYetOpen(let opens): "Enrolment has not opened yet. It opens on \(dates.long(opens))."
        case .closed(let closes): "Enrolment for this course closed on \(dates.long(closes))."
        case .open: "Enrolment is not possible right now."
        }
    }

    /// How places are given on a course that does not take plain enrolments.
    func placeNeeds(_ mode: EnrolmentMode) -> String {
        switch mode {
        case .code: "Places on this course are given by access code: redeem the code you were given."
        case .approval: "Places on this course are given by the school: ask for one, and you will hear by mail."
        case .open: "This course takes enrolments directly: enrol instead."
        }
    }
}
