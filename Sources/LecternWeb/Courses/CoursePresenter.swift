import Foundation
import Hummingbird
import LecternCore
import LecternStore

/// Builds the course page's view for any visitor; the course and lesson controllers share it.
struct CoursePresenter: Sendable {
    let courses: CourseStore
    let enrolments: EnrolmentStore
    let renderer: PageRenderer
    /// Notices after enrolling, leaving or completing a lesson.
    let flash: FlashCookie
    /// Courses and syllabi per site revision, so a page reads only the learner's part.
    let cache: CourseDetailCache

    static let noSuchCourse = HTTPError(.notFound, message: "There is no course at this address. See the catalogue for the courses on offer.")

    /// The course, or a 404 that says so.
    func course(_ slug: String) async throws -> CourseDetail {
        guard Slug.isValid(slug), let course = try await courses.course(slug: slug) else {
            throw Self.noSuchCourse
        }
        return course
    }

    /// The course as this visitor sees it (with their enrolment and progress), in one read; or a 404 that says so.
    func learnerCourse(_ slug: String, context: AppRequestContext, lesson: String? = nil) async throws -> LearnerCourse {
        guard Slug.isValid(slug), let course = try await cache.course(slug, load: { try await courses.course(slug: slug) }) else {
            throw Self.noSuchCourse
        }
        return try await enrolments.learnerCourse(course: course, userID: context.session?.user?.id, lessonSlug: lesson)
    }

    func page(_ learner: LearnerCourse, context: AppRequestContext, now: Date = Date()) -> CoursePageView {
        let course = learner.course
        let slug = course.summary.slug
        let user = context.session?.user
        let enrolled = learner.isEnrolled
        let progress = learner.progress
        let canRead = enrolled || user?.role == .admin
        let done = progress?.completedLessonIDs ?? []

        var number = 0
        let modules = course.modules.enumerated().map { index, module in
            SyllabusModuleView(
                title: module, number: index + 1,
                lessons: course.lessons.filter { $0.module == module }.map { lesson in
                    number += 1
                    return SyllabusLessonView(
                        title: lesson.title, url: canRead ? "/courses/\(slug)/lessons/\(lesson.slug)" : nil, minutes: lesson.readingMinutes,
                        isOptional: lesson.isOptional, isDone: done.contains(lesson.id), number: number)
                })
        }

        var cta = CallToActionView()
        if enrolled {
            let next = course.lessons.first { !$0.isOptional && !done.contains($0.id) } ?? course.lessons.first
            cta.continueURL = next.map { "/courses/\(slug)/lessons/\($0.slug)" }
            cta.continueLabel = (progress?.completedLessonIDs.isEmpty ?? true) ? "Start the first lesson" : "Continue learning"
        } else {
            switch course.enrolmentState(at: now) {
            case .open:
                if let session = context.session, session.user != nil {
                    cta.enrolCSRF = session.csrfToken
                } else {
                    cta.loginURL = "/login?next=/courses/\(slug)"
                }
            case .notYetOpen(let opens): cta.closedMessage = "Enrolment opens on \(renderer.dates.long(opens))."
            case .closed(let closes): cta.closedMessage = "Enrolment closed on \(renderer.dates.long(closes))."
            case .full: cta.closedMessage = "This course is full. Every seat has been taken."
            }
        }

        var dates: [String] = []
        // An operator's open or close overrides the content's dates, so those would only mislead.
        if course.operatorSettings.enrolment == nil, let opens = course.enrolmentOpens {
            dates.append("Enrolment opens \(renderer.dates.long(opens))")
        }
        if course.operatorSettings.enrolment == nil, let closes = course.enrolmentCloses { dates.append("closes \(renderer.dates.long(closes))") }

        return CoursePageView(
            site: renderer.site,
            meta: renderer.meta(
                title: course.summary.title, description: course.summary.summary, path: "/courses/\(slug)", section: "courses",
                session: context.session),
            slug: slug,
            title: course.summary.title,
            subtitle: course.summary.subtitle,
            level: course.summary.level,
            duration: course.summary.duration,
            price: course.summary.price,
            descriptionHTML: course.descriptionHTML,
            benefits: course.summary.benefits,
            outcomes: course.outcomes,
            instructors: course.instructors.joined(separator: ", "),
            modules: modules,
            lessonCount: course.lessons.count,
            totalMinutes: course.lessons.map(\.readingMinutes).reduce(0, +),
            seats: course.seatsLeft.map { $0 == 0 ? "No seats left" : "\($0) of \(course.capacity ?? 0) seats left" },
            dates: dates.isEmpty ? nil : dates.joined(separator: ", "),
            cta: cta,
            progress: enrolled ? progress.map(ProgressView.init) : nil,
            certificateCode: learner.certificateCode,
            isEnrolled: enrolled,
            notice: nil,
            problem: nil
        )
    }
}
