import LecternCore

/// A course in the catalogue.
struct CourseCardView: Sendable {
    var slug: String
    var title: String
    var subtitle: String
    var level: String
    var duration: String
    var price: String
    var summary: String
    var lessonCount: Int
    var availability: AvailabilityView
    /// "Starts on 5 January 2027" for a cohort.
    var startsOn: String?
    /// How places are given, when it is not by enrolling: "Places by access code", "Places by approval".
    var modeLabel: String?

    static func modeLabel(_ mode: EnrolmentMode) -> String? {
        switch mode {
        case .open: nil
        case .code: "Places by access code"
        case .approval: "Places by approval"
        }
    }

    init(_ course: CourseDetail, availability: AvailabilityView, dates: DateText) {
        modeLabel = Self.modeLabel(course.enrolmentMode)
        self.startsOn = course.startsOn.map { "Starts on \(dates.long($0))" }
        self.slug = course.summary.slug
        self.title = course.summary.title
        self.subtitle = course.summary.subtitle
        self.level = course.summary.level
        self.duration = course.summary.duration
        self.price = course.summary.price
        self.summary = course.summary.summary
        self.lessonCount = course.lessons.count
        self.availability = availability
    }
}

/// A course's availability in words, the same on every page that names the course.
struct AvailabilityView: Sendable {
    /// "Open: 12 seats left", "Full: 3 on the waitlist", "Enrolment opens on 1 September 2026", "Enrolment closed on …".
    var text: String
    /// The course takes learners now: pages may say "Enrol now".
    var isOpen: Bool
    var isFull: Bool

    init(_ availability: CourseAvailability, dates: DateText) {
        switch availability {
        case .open(let seats):
            text = seats.map { "Open: \($0) seat\($0 == 1 ? "" : "s") left" } ?? "Open for enrolment"
        case .full(let waiting):
            text = waiting == 0 ? "Full: the waitlist is open" : "Full: \(waiting) on the waitlist"
        case .opens(let date): text = "Enrolment opens on \(dates.long(date))"
        case .closed(let date): text = "Enrolment closed on \(dates.long(date))"
        }
        isOpen = availability.takesLearners
        if case .full = availability { isFull = true } else { isFull = false }
    }
}

struct CatalogueView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var courses: [CourseCardView]
    var hasCourses: Bool
}

struct SyllabusLessonView: Sendable {
    /// Which lesson this is, for the player's previous and next links (not shown).
    var lessonID = 0
    var title: String
    /// Nil when the visitor cannot open the lesson (not enrolled, or its module has not opened yet).
    var url: String?
    var minutes: Int
    var isOptional: Bool
    var isDone: Bool
    var number: Int
    /// The lesson shown in the player.
    var isCurrent = false
    /// Locked by the release schedule; `opens` says when.
    var isLocked = false
    var opens: String?
    /// "25 min" or "5 h 4 min": reading and exercises.
    var duration = ""
    /// Readable by anyone, enrolled or not.
    var isPreview = false
    var isCheckpoint = false
    /// For screen readers and the phone layout: done, current, not started, or locked until a date.
    var state = ""
}

struct SyllabusModuleView: Sendable {
    var title: String
    var number: Int
    var lessons: [SyllabusLessonView]
    /// "Opens on 16 December 2026" while the module is locked for this learner.
    var opens: String?
}

/// The syllabus beside a lesson: the course's modules with each lesson's state for this learner.
struct PlayerSyllabusView: Sendable {
    var courseSlug: String
    var courseTitle: String
    var modules: [SyllabusModuleView]
    var doneCount: Int
    var lessonCount: Int
    /// Counts of lessons done mean something only to an enrolled learner; a visitor reading a preview sees none.
    var showsProgress: Bool
}

/// The single call to action of a course page.
/// The enrolment panel of a course page: what this visitor can do to get a place, or their way back in.
struct CallToActionView: Sendable {
    /// The signed-in learner's form token, when any form is shown.
    var csrf: String?
    /// Open course with a seat: one button.
    var showEnrol = false
    /// Open course, full: join the waitlist.
    var showWaitlistJoin = false
    /// Code course: enter a code.
    var showCodeForm = false
    var code = FieldView()
    /// Approval course: ask for a place, with a note.
    var showRequestForm = false
    var note = FieldView()
    /// A visitor without an account: sign up (and come back with the place asked for), or log in.
    var signUpURL: String?
    var signUpLabel: String?
    /// What signing up from here does, in this course's mode.
    var signUpNote: String?
    var loginURL: String?
    var continueURL: String?
    var continueLabel: String?
    var closedMessage: String?
    /// How places are obtained on a code or approval course.
    var modeNote: String?
    /// "You are number 3 on the waitlist…", or where the learner's request stands.
    var statusText: String?
    /// The form that takes the learner out of the queue or withdraws their request, and its button.
    var withdrawAction: String?
    var withdrawLabel: String?
}

struct ProgressView: Sendable {
    var percent: Int
    var text: String

    /// `certified`: the learner holds a certificate for the course, so it is finished even if lessons were added since.
    /// `unverified`: the learner's address is not confirmed yet, so a certificate earned waits for it.
    init(_ progress: CourseProgress, certified: Bool = false, unverified: Bool = false) {
        self.percent = certified ? 100 : progress.percent
        let counts = "\(progress.completedRequired) of \(progress.required) required lessons done"
        if certified {
            let added = progress.required - progress.completedRequired
            self.text =
                added > 0
                ? "Course completed and certified. \(added) lesson\(added == 1 ? " was" : "s were") added since; \(counts)."
                : "Course completed and certified: \(counts)."
        } else if unverified, progress.isComplete {
            self.text = "\(counts). Your certificate is issued as soon as you confirm your email address (see the banner above)."
        } else {
            self.text = "\(counts) (\(progress.percent)%)"
        }
    }
}

struct CoursePageView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var slug: String
    var title: String
    var subtitle: String
    var level: String
    var duration: String
    var price: String
    /// What the price covers.
    var priceIncludes: String?
    var descriptionHTML: String
    var benefits: [String]
    var outcomes: [String]
    /// The people who teach it, linked to their pages.
    var instructors: [PersonLinkView]
    var hasInstructors: Bool
    var modules: [SyllabusModuleView]
    var lessonCount: Int
    /// From the data: reading time plus the exercise and checkpoint estimates in the lessons' front matter.
    var studyTime: String
    /// "Starts on 5 January 2027" for a cohort.
    var startsOn: String? = nil
    var seats: String?
    var dates: String?
    var cta: CallToActionView
    var progress: ProgressView?
    var certificateCode: String?
    var isEnrolled: Bool
    var notice: String?
    var problem: String?
}

struct LessonPageView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var courseSlug: String
    var courseTitle: String
    var slug: String
    var title: String
    var module: String
    var number: Int
    var minutes: Int
    var isOptional: Bool
    var html: String?
    var isDone: Bool
    var csrf: String
    var previous: SyllabusLessonView?
    var next: SyllabusLessonView?
    var progress: ProgressView?
    var certificateCode: String?
    var notice: String?
    var locked: CoursePageView?
    /// The lesson is completed by passing its knowledge check, not by a button.
    var hasQuiz = false
    var isCheckpoint = false
    var quiz: QuizFormView?
    var checkpoint: CheckpointView?
    var syllabus: PlayerSyllabusView?
    /// A free preview read by a visitor who is not enrolled: the lesson with the course's call to action.
    var preview: CoursePageView?
    /// The lesson's module has not opened for this learner: when it does.
    var opens: String?
    var exerciseMinutes = 0
}

struct DashboardCourseView: Sendable {
    var slug: String
    var title: String
    var progress: ProgressView
    var nextLessonTitle: String?
    var nextLessonURL: String?
    /// Where "Continue" goes: the lesson the learner opened last, else the next one to do.
    var continueTitle: String?
    var continueURL: String?
    var certified: String?
}

struct CertificateLinkView: Sendable {
    var code: String
    var courseTitle: String
    var date: String
    var isRevoked: Bool
}

struct DashboardView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var name: String
    var courses: [DashboardCourseView]
    var hasCourses: Bool
    var certificates: [CertificateLinkView]
    var hasCertificates: Bool
    var notice: String?
}

struct CertificatePageView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var code: String
    var learnerName: String
    var courseTitle: String
    var courseSlug: String
    var date: String
    var dateISO: String
    var revokedDate: String?
    var revokeReason: String?
    var verifyURL: String
    /// What was assessed, e.g. "9 lessons completed; 10 knowledge checks passed, average 92%; 3 checkpoints approved by an instructor."
    var assessed: String?
    var courseVersion: String?
    /// Set when a corrected certificate replaced this one.
    var replacedBy: String?
    var replacedDate: String?
}

struct LeaveCourseView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var slug: String
    var title: String
    var csrf: String
}

extension SyllabusLessonView {
    /// "25 min", "1 h" or "5 h 4 min".
    static func duration(minutes: Int) -> String {
        minutes < 60 ? "\(minutes) min" : "\(minutes / 60) h" + (minutes % 60 == 0 ? "" : " \(minutes % 60) min")
    }
}
