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
    var seats: String?

    init(_ course: CourseDetail) {
        self.slug = course.summary.slug
        self.title = course.summary.title
        self.subtitle = course.summary.subtitle
        self.level = course.summary.level
        self.duration = course.summary.duration
        self.price = course.summary.price
        self.summary = course.summary.summary
        self.lessonCount = course.lessons.count
        self.seats = course.seatsLeft.map { $0 == 0 ? "Full" : "\($0) seat\($0 == 1 ? "" : "s") left" }
    }
}

struct CatalogueView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var courses: [CourseCardView]
    var hasCourses: Bool
}

struct SyllabusLessonView: Sendable {
    var title: String
    var url: String?
    var minutes: Int
    var isOptional: Bool
    var isDone: Bool
    var number: Int
}

struct SyllabusModuleView: Sendable {
    var title: String
    var number: Int
    var lessons: [SyllabusLessonView]
}

/// The single call to action of a course page.
struct CallToActionView: Sendable {
    var enrolCSRF: String?
    var loginURL: String?
    var continueURL: String?
    var continueLabel: String?
    var closedMessage: String?
}

struct ProgressView: Sendable {
    var percent: Int
    var text: String

    init(_ progress: CourseProgress) {
        self.percent = progress.percent
        self.text = "\(progress.completedRequired) of \(progress.required) required lessons done (\(progress.percent)%)"
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
    var descriptionHTML: String
    var benefits: [String]
    var outcomes: [String]
    var instructors: String
    var modules: [SyllabusModuleView]
    var lessonCount: Int
    var totalMinutes: Int
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
}

struct DashboardCourseView: Sendable {
    var slug: String
    var title: String
    var progress: ProgressView
    var nextLessonTitle: String?
    var nextLessonURL: String?
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
}

struct LeaveCourseView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var slug: String
    var title: String
    var csrf: String
}
