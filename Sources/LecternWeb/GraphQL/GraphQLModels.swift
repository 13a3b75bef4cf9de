import Foundation
import LecternCore
import LecternServices
import LecternStore

// What the GraphQL schema serves: plain values, built in full by the root resolvers from one service call each, so a
// field never reads the database on its own (no N+1). Dates are RFC 3339 strings, in UTC, as in the REST API.

/// A tag or category of a post.
struct TaxonNode: Sendable {
    var name: String
    var slug: String
}

/// A published post.
struct PostNode: Sendable {
    var slug: String
    var url: String
    var title: String
    var author: String
    var publishedAt: String
    var summary: String
    var readingMinutes: Int
    var category: TaxonNode
    var tags: [TaxonNode]
    /// Only when one post is asked for.
    var html: String?
}

/// A lesson in a syllabus; `completed` for a viewer enrolled in its course. REST's course answer lists the same.
struct LessonNode: Sendable, Encodable {
    var slug: String
    var title: String
    var module: String
    var kind: String
    var optional: Bool
    var preview: Bool
    var hasQuiz: Bool
    var readingMinutes: Int
    var completed: Bool?

    init(_ lesson: LessonSummary, completed: Bool?) {
        self.slug = lesson.slug
        self.title = lesson.title
        self.module = lesson.module
        self.kind = lesson.kind.rawValue
        self.optional = lesson.isOptional
        self.preview = lesson.isPreview
        self.hasQuiz = lesson.hasQuiz
        self.readingMinutes = lesson.readingMinutes
        self.completed = completed
    }
}

/// The viewer's standing in one course.
struct CourseProgressNode: Sendable {
    var enrolled: Bool
    var completedRequired: Int
    var required: Int
    var percent: Int
    var complete: Bool
    var certificateCode: String?
    var waitlistPosition: Int?
}

/// A course on offer, its syllabus, and (for a signed-in viewer) their progress.
struct CourseNode: Sendable {
    var slug: String
    var url: String
    var title: String
    var subtitle: String
    var level: String
    var duration: String
    var price: String
    var summary: String
    var enrolmentMode: String
    /// open, full, opens or closed.
    var availability: String
    var seatsLeft: Int?
    var instructors: [String]
    var lessons: [LessonNode]
    var viewer: CourseProgressNode?
}

/// One course the viewer is enrolled in.
struct EnrolmentNode: Sendable {
    var course: String
    var title: String
    var percent: Int
    var complete: Bool
    var nextLesson: String?
}

/// The signed-in caller: their name and role and their courses; never an address.
struct ViewerNode: Sendable {
    var name: String
    var role: String
    var scope: String
    var enrolments: [EnrolmentNode]
}

/// A certificate as anyone checking its code sees it.
struct CertificateNode: Sendable {
    var code: String
    /// valid, replaced or revoked.
    var status: String
    var learnerName: String
    var course: String
    var courseTitle: String
    var completedAt: String
}

/// What asking for a place did: enrolled, already_enrolled, waitlisted or requested.
struct PlaceNode: Sendable {
    var course: String
    var outcome: String
    var waitlistPosition: Int?
}

/// A lesson marked complete.
struct CompletionNode: Sendable {
    var course: String
    var lesson: String
    var certificateCode: String?
}

/// A graded knowledge check.
struct QuizAttemptNode: Sendable {
    var id: Int
    var score: Int
    var correct: Int
    var total: Int
    var passed: Bool
    var correctQuestions: [String]
    var certificateCode: String?
}

/// Work sent to a checkpoint.
struct SubmissionNode: Sendable {
    var id: Int
    var version: Int
    var status: String
    var submittedAt: String
}

/// One question's answer: the options chosen, or the text or number typed (as one string).
struct AnswerInput: Codable, Sendable {
    var question: String
    var values: [String]
}

enum GraphQLDates {
    static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

extension CourseNode {
    init(_ course: CourseDetail, baseURL: String, progress: CourseProgressNode?, completed: Set<Int64>?, now: Date) {
        let availability = course.availability(at: now)
        let info = course.summary
        self.init(
            slug: info.slug, url: "\(baseURL)/courses/\(info.slug)", title: info.title, subtitle: info.subtitle, level: info.level,
            duration: info.duration, price: info.price, summary: info.summary, enrolmentMode: course.enrolmentMode.rawValue,
            availability: availability.name, seatsLeft: availability.seatsLeft, instructors: course.instructors,
            lessons: course.lessons.map { lesson in LessonNode(lesson, completed: completed.map { $0.contains(lesson.id) }) },
            viewer: progress)
    }
}

extension PostNode {
    init(_ post: PostSummary, baseURL: String, html: String? = nil) {
        self.init(
            slug: post.slug, url: "\(baseURL)/blog/\(post.slug)", title: post.title, author: post.author, publishedAt: GraphQLDates.text(post.date),
            summary: post.summary, readingMinutes: post.readingMinutes, category: TaxonNode(name: post.category.name, slug: post.category.slug),
            tags: post.tags.map { TaxonNode(name: $0.name, slug: $0.slug) }, html: html)
    }
}
