import Foundation

/// A lesson as listed in a syllabus.
public struct LessonSummary: Sendable, Equatable {
    public var id: Int64
    public var slug: String
    public var position: Int
    public var title: String
    public var module: String
    public var isOptional: Bool
    public var readingMinutes: Int
    public var kind: LessonKind = .lesson
    public var isPreview = false
    public var exerciseMinutes = 0
    /// Whether the lesson ends with a knowledge check (completed by passing it).
    public var hasQuiz = false

    public init(id: Int64, slug: String, position: Int, title: String, module: String, isOptional: Bool, readingMinutes: Int) {
        self.id = id
        self.slug = slug
        self.position = position
        self.title = title
        self.module = module
        self.isOptional = isOptional
        self.readingMinutes = readingMinutes
    }
}

/// Everything the course page shows.
public struct CourseDetail: Sendable, Equatable {
    public var id: Int64
    public var summary: CourseSummary
    /// Seats in force: the operator's setting when there is one, else the content's.
    public var capacity: Int?
    public var enrolmentOpens: Date?
    public var enrolmentCloses: Date?
    public var outcomes: [String]
    public var instructors: [String]
    public var modules: [String]
    public var descriptionHTML: String
    public var lessons: [LessonSummary]
    public var enrolledCount: Int
    /// Set by `lectern course open|close|set-capacity`; wins over the content's dates and capacity.
    public var operatorSettings = OperatorCourseSettings()
    /// Minutes a learner waits between attempts at a knowledge check.
    public var quizRetryMinutes = 0
    /// Days after enrolment each module opens, parallel to `modules`; missing entries mean 0.
    public var moduleOpensAfterDays: [Int] = []
    /// The day the cohort starts (`starts_on`), when the course runs as one.
    public var startsOn: Date?
    /// How a place is obtained: enrolling, an access code or an approved request.
    public var enrolmentMode = EnrolmentMode.open
    /// Requests waiting for a decision; each holds a seat.
    public var pendingRequests = 0
    /// Learners on the waitlist.
    public var waitingCount = 0
    /// What the price covers (`price_includes`), when the course says.
    public var priceIncludes: String?

    public init(
        id: Int64, summary: CourseSummary, capacity: Int?, enrolmentOpens: Date?, enrolmentCloses: Date?, outcomes: [String], instructors: [String],
        modules: [String], descriptionHTML: String, lessons: [LessonSummary], enrolledCount: Int
    ) {
        self.id = id
        self.summary = summary
        self.capacity = capacity
        self.enrolmentOpens = enrolmentOpens
        self.enrolmentCloses = enrolmentCloses
        self.outcomes = outcomes
        self.instructors = instructors
        self.modules = modules
        self.descriptionHTML = descriptionHTML
        self.lessons = lessons
        self.enrolledCount = enrolledCount
    }

    /// When `lesson` opens for a learner who enrolled at `enrolledAt`, if it is still locked at `now` (`ModuleSchedule`).
    public func lockedUntil(_ lesson: LessonSummary, enrolledAt: Date?, now: Date) -> Date? {
        ModuleSchedule.lockedUntil(
            module: lesson.module, isPreview: lesson.isPreview, modules: modules, opensAfterDays: moduleOpensAfterDays, enrolledAt: enrolledAt,
            now: now)
    }

    /// Seats held: enrolments and the requests waiting for a decision.
    public var seatsTaken: Int { enrolledCount + pendingRequests }

    /// Seats still free, or nil when the course has no cap.
    public var seatsLeft: Int? { capacity.map { max(0, $0 - seatsTaken) } }

    /// Whether enrolment is possible at `now`, and if not, why.
    public func enrolmentState(at now: Date) -> EnrolmentState {
        EnrolmentRule.state(
            at: now, opens: enrolmentOpens, closes: enrolmentCloses, override: operatorSettings.enrolment, capacity: capacity, enrolled: seatsTaken
        )
    }
}

/// What an operator decided about a course from the command line, kept apart from what Content/ says.
public struct OperatorCourseSettings: Sendable, Equatable {
    public enum Enrolment: Sendable, Equatable {
        /// Open now whatever the content's dates say (seats still count).
        case open(since: Date)
        /// Closed now whatever the content's dates say.
        case closed(since: Date)
    }

    public var enrolment: Enrolment?
    /// `.some(nil)` means the operator lifted the cap; `nil` means the content's capacity is in force.
    public var capacity: Int??

    public init(enrolment: Enrolment? = nil, capacity: Int?? = nil) {
        self.enrolment = enrolment
        self.capacity = capacity
    }
}

/// The one rule for whether a course takes enrolments, used by the course page and by the enrol transaction alike.
public enum EnrolmentRule {
    public static func state(
        at now: Date, opens: Date?, closes: Date?, override: OperatorCourseSettings.Enrolment?, capacity: Int?, enrolled: Int
    ) -> EnrolmentState {
        switch override {
        case .closed(let since): return .closed(since)
        case .open: break
        case nil:
            if let opens, now < opens { return .notYetOpen(opens) }
            if let closes, now >= closes { return .closed(closes) }
        }
        if let capacity, enrolled >= capacity { return .full }
        return .open
    }
}

public enum EnrolmentState: Sendable, Equatable {
    case open
    case notYetOpen(Date)
    case closed(Date)
    case full
}

/// What an enrol request did.
public enum EnrolmentOutcome: Sendable, Equatable {
    case enrolled
    case alreadyEnrolled
    case refused(EnrolmentState)
    /// The course gives places by code or approval, not by asking.
    case needs(EnrolmentMode)
}

/// A learner's progress in one course: required lessons completed out of required lessons.
public struct CourseProgress: Sendable, Equatable {
    public var completedLessonIDs: Set<Int64>
    public var completedRequired: Int
    public var required: Int

    public init(completedLessonIDs: Set<Int64>, completedRequired: Int, required: Int) {
        self.completedLessonIDs = completedLessonIDs
        self.completedRequired = completedRequired
        self.required = required
    }

    /// 0 to 100, rounded down so that 100 means really finished.
    public var percent: Int { required == 0 ? 0 : completedRequired * 100 / required }
    public var isComplete: Bool { required > 0 && completedRequired >= required }
}

/// A certificate of completion, with the facts as they were when it was issued.
public struct Certificate: Sendable, Equatable {
    public var code: String
    public var learnerName: String
    public var courseTitle: String
    public var courseSlug: String
    public var completedAt: Date
    public var revokedAt: Date?
    public var revokeReason: String?
    /// What was assessed, recorded at issue time; nil for certificates issued before assessments were recorded.
    public var assessment: CertificateAssessment?
    /// The code of the corrected certificate that replaced this one (`lectern certificate reissue`), and when.
    public var replacedBy: String?
    public var replacedAt: Date?

    public init(
        code: String, learnerName: String, courseTitle: String, courseSlug: String, completedAt: Date, revokedAt: Date?, revokeReason: String?
    ) {
        self.code = code
        self.learnerName = learnerName
        self.courseTitle = courseTitle
        self.courseSlug = courseSlug
        self.completedAt = completedAt
        self.revokedAt = revokedAt
        self.revokeReason = revokeReason
    }

    /// 20 characters of Crockford base32: 100 random bits, easy to read aloud and type.
    public static func makeCode() -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<20).map { _ in alphabet[Int.random(in: 0..<32, using: &generator)] }
        return String(characters[0..<5]) + "-" + String(characters[5..<10]) + "-" + String(characters[10..<15]) + "-" + String(characters[15..<20])
    }
}

/// The release schedule: a module opens a number of days after the learner enrolled. One rule for pages and writes.
public enum ModuleSchedule {
    /// The moment `module` opens, or nil when it is open from the start.
    public static func opens(module: String, modules: [String], opensAfterDays: [Int], enrolledAt: Date) -> Date? {
        guard let index = modules.firstIndex(of: module), index < opensAfterDays.count, opensAfterDays[index] > 0 else { return nil }
        return enrolledAt.addingTimeInterval(TimeInterval(opensAfterDays[index]) * 86_400)
    }

    /// When a lesson in `module` opens, if it is still locked at `now`; nil when it can be used. A free preview is open
    /// to everyone, so the schedule never locks it; a visitor who has not enrolled has no schedule.
    public static func lockedUntil(
        module: String, isPreview: Bool = false, modules: [String], opensAfterDays: [Int], enrolledAt: Date?, now: Date
    ) -> Date? {
        guard !isPreview, let enrolledAt,
            let opens = opens(module: module, modules: modules, opensAfterDays: opensAfterDays, enrolledAt: enrolledAt), now < opens
        else { return nil }
        return opens
    }

    /// Whether a lesson in `module` is still locked at `now`.
    public static func isLocked(module: String, modules: [String], opensAfterDays: [Int], enrolledAt: Date, now: Date) -> Bool {
        lockedUntil(module: module, modules: modules, opensAfterDays: opensAfterDays, enrolledAt: enrolledAt, now: now) != nil
    }
}

/// Why a lesson cannot be used yet: its module opens later for this learner.
public struct LessonLockedError: Error, Sendable, Equatable {
    public var opensAt: Date
    public init(opensAt: Date) { self.opensAt = opensAt }
}

/// What a certificate certifies: the assessments passed and the version of the course they belonged to.
public struct CertificateAssessment: Sendable, Equatable, Codable {
    public var lessonsCompleted: Int
    public var quizzesPassed: Int
    /// The mean of the best scores of the knowledge checks passed, in percent; nil when the course had none.
    public var quizAverage: Int?
    public var checkpointsApproved: Int
    /// The course's content version at issue time: the date it last changed and a short hash of its files.
    public var courseVersion: String

    public init(lessonsCompleted: Int, quizzesPassed: Int, quizAverage: Int?, checkpointsApproved: Int, courseVersion: String) {
        self.lessonsCompleted = lessonsCompleted
        self.quizzesPassed = quizzesPassed
        self.quizAverage = quizAverage
        self.checkpointsApproved = checkpointsApproved
        self.courseVersion = courseVersion
    }

    /// One sentence for the certificate page, e.g. "9 lessons completed; 10 knowledge checks passed, average 92%;
    /// 3 checkpoints approved by an instructor."
    public var sentence: String {
        func count(_ number: Int, _ one: String, _ many: String) -> String { "\(number) \(number == 1 ? one : many)" }
        var parts = [count(lessonsCompleted, "lesson completed", "lessons completed")]
        if quizzesPassed > 0 {
            parts.append(count(quizzesPassed, "knowledge check passed", "knowledge checks passed") + (quizAverage.map { ", average \($0)%" } ?? ""))
        }
        if checkpointsApproved > 0 { parts.append(count(checkpointsApproved, "checkpoint approved by an instructor", "checkpoints approved by an instructor")) }
        return parts.joined(separator: "; ") + "."
    }
}

/// Whether a course takes learners now, with its seats: the one state the catalogue, the course page, the home page
/// and the promo box beside posts all show.
public enum CourseAvailability: Sendable, Equatable {
    /// Open; `seatsLeft` is nil for a course without a cap.
    case open(seatsLeft: Int?)
    /// Every seat is taken; `waiting` learners are on the waitlist.
    case full(waiting: Int)
    case opens(Date)
    case closed(Date)

    public var takesLearners: Bool {
        if case .open = self { return true }
        return false
    }

    /// The state's name for programs (REST, GraphQL, the CLI's JSON): open, full, opens or closed.
    public var name: String {
        switch self {
        case .open: "open"
        case .full: "full"
        case .opens: "opens"
        case .closed: "closed"
        }
    }

    /// Seats a learner could still take: nil without a cap, or when the course does not take learners now.
    public var seatsLeft: Int? {
        switch self {
        case .open(let seats): seats
        case .full: 0
        case .opens, .closed: nil
        }
    }

    /// Learners on the waitlist of a full course.
    public var waiting: Int? {
        if case .full(let waiting) = self { return waiting }
        return nil
    }

    /// When enrolment opens, or when it closed.
    public var date: Date? {
        switch self {
        case .opens(let date), .closed(let date): date
        case .open, .full: nil
        }
    }
}

extension CourseDetail {
    public func availability(at now: Date) -> CourseAvailability {
        switch enrolmentState(at: now) {
        case .open: .open(seatsLeft: seatsLeft)
        case .full: .full(waiting: waitingCount)
        case .notYetOpen(let opens): .opens(opens)
        case .closed(let closed): .closed(closed)
        }
    }
}

/// Which course to offer beside posts and on the home page: never one that cannot take the reader.
public enum CoursePromotion {
    /// The first course open now, in catalogue order (featured first); with none open, the one opening soonest; else nil.
    public static func pick(from catalogue: [CourseDetail], at now: Date) -> CourseDetail? {
        if let open = catalogue.first(where: { $0.availability(at: now).takesLearners }) { return open }
        return catalogue.compactMap { course -> (CourseDetail, Date)? in
            if case .opens(let date) = course.availability(at: now) { return (course, date) }
            return nil
        }.min { $0.1 < $1.1 }?.0
    }
}
