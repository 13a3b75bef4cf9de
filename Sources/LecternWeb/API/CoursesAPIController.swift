import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// `/api/v1/courses`: the catalogue, and one course with its syllabus and, for a caller, their own enrolment and
/// progress. Lesson bodies are not here: they are the lessons' own resource, for those who may read them.
struct CoursesAPIController: Sendable {
    let catalogue: Catalogue
    let baseURL: String
    /// Answers per course and caller (the `viewer` part is the caller's), encoded once per site revision.
    let answers: APIAnswerCache

    struct Availability: Encodable {
        /// open, full, opens (not yet) or closed.
        var state: String
        var seatsLeft: Int?
        var waiting: Int?
        /// When enrolment opens or closed.
        var date: Date?
    }

    struct Summary: Encodable {
        var slug: String
        var url: String
        var title: String
        var subtitle: String
        var level: String
        var duration: String
        var price: String
        var priceIncludes: String?
        var summary: String
        var enrolmentMode: String
        var availability: Availability
        var startsOn: Date?
        var instructors: [String]
        var lessonCount: Int
    }

    /// A syllabus entry: the same for GraphQL's `Lesson`.
    typealias Lesson = LessonNode

    struct Viewer: Encodable {
        var enrolled: Bool
        var enrolledAt: Date?
        var completedRequired: Int
        var required: Int
        var percent: Int
        var complete: Bool
        var certificateCode: String?
        var waitlistPosition: Int?
    }

    /// The summary's fields, then the syllabus and the caller's part, in one object.
    struct Detail: Encodable {
        var course: Summary
        var descriptionHTML: String
        var outcomes: [String]
        var benefits: [String]
        var modules: [String]
        var lessons: [Lesson]
        var viewer: Viewer?

        enum Keys: String, CodingKey { case descriptionHtml, outcomes, benefits, modules, lessons, viewer }

        func encode(to encoder: any Encoder) throws {
            try course.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(descriptionHTML, forKey: .descriptionHtml)
            try container.encode(outcomes, forKey: .outcomes)
            try container.encode(benefits, forKey: .benefits)
            try container.encode(modules, forKey: .modules)
            try container.encode(lessons, forKey: .lessons)
            try container.encodeIfPresent(viewer, forKey: .viewer)
        }
    }

    struct List: Encodable {
        var items: [Summary]
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("courses", use: list)
        group.get("courses/:slug", use: course)
        group.rejectOtherMethods("courses", allowing: [.get])
        group.rejectOtherMethods("courses/:slug", allowing: [.get])
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let now = Date()
        return try APIJSON.response(List(items: try await catalogue.catalogue().map { summary($0, at: now) }), for: request)
    }

    @Sendable func course(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try PlacesAPIController.slug(context)
        let caller = context.caller
        let answer = try await answers.answer("course:\(slug):\(caller.map { String($0.user.id) } ?? "-")", personal: caller != nil) {
            try APIJSON.answer(try await detail(slug, caller: caller))
        }
        guard let answer else { throw CourseRefusal.noSuchCourse(slug: slug) }
        return APIJSON.response(answer, for: request)
    }

    private func detail(_ slug: String, caller: APICaller?) async throws -> Detail {
        let found = try await catalogue.learnerCourse(slug, userID: caller?.user.id)
        let course = found.course
        let completed = found.isEnrolled ? found.progress?.completedLessonIDs : nil
        let lessons = course.lessons.map { lesson in Lesson(lesson, completed: completed.map { $0.contains(lesson.id) }) }
        // Progress is reported as the lessons' `completed` is: for an enrolled caller only (someone who left keeps
        // their progress for when they come back, but it is not theirs to show until then).
        let progress = found.isEnrolled ? found.progress : nil
        let viewer = caller.map { _ in
            Viewer(
                enrolled: found.isEnrolled, enrolledAt: found.enrolledAt, completedRequired: progress?.completedRequired ?? 0,
                required: progress?.required ?? course.lessons.filter { !$0.isOptional }.count, percent: progress?.percent ?? 0,
                complete: progress?.isComplete ?? false, certificateCode: found.certificateCode, waitlistPosition: found.waitlistPosition)
        }
        return Detail(
            course: summary(course, at: Date()), descriptionHTML: course.descriptionHTML, outcomes: course.outcomes,
            benefits: course.summary.benefits, modules: course.modules, lessons: lessons, viewer: viewer)
    }

    private func summary(_ course: CourseDetail, at now: Date) -> Summary {
        let state = course.availability(at: now)
        let availability = Availability(state: state.name, seatsLeft: state.seatsLeft, waiting: state.waiting, date: state.date)
        let info = course.summary
        return Summary(
            slug: info.slug, url: "\(baseURL)/courses/\(info.slug)", title: info.title, subtitle: info.subtitle, level: info.level,
            duration: info.duration, price: info.price, priceIncludes: course.priceIncludes, summary: info.summary,
            enrolmentMode: course.enrolmentMode.rawValue, availability: availability, startsOn: course.startsOn, instructors: course.instructors,
            lessonCount: course.lessons.count)
    }
}
