import Foundation
import LecternCore
import LecternServices
import LecternStore

/// Who asks, for one GraphQL request.
struct GraphQLContext: Sendable {
    var caller: APICaller?
    /// The client's network, for the limits on wrong access codes.
    var network: String

    /// The caller, when their scope reaches `needed`; the same refusals as REST otherwise.
    func require(_ needed: TokenScope) throws -> APICaller {
        guard let caller else { throw APIProblem.signInNeeded }
        guard caller.scope >= needed else { throw APIProblem.insufficientScope(needed.rawValue) }
        return caller
    }
}

/// The root of the GraphQL schema: each query and mutation is one call to the services the pages and REST use, and
/// returns values built in full, so the fields below a root never read the database again.
struct GraphQLResolver: Sendable {
    let catalogue: Catalogue
    let enrolments: Enrolments
    let learning: Learning
    let certificates: Certificates
    let publishing: Publishing
    let baseURL: String

    /// The most posts one `posts` field returns.
    static let maxPosts = 50

    // MARK: Queries

    struct PostsArguments: Decodable, Sendable {
        var first: Int?
        var category: String?
        var tag: String?
    }

    func posts(context: GraphQLContext, arguments: PostsArguments) async throws -> [PostNode] {
        let first = min(max(arguments.first ?? 10, 1), Self.maxPosts)
        let filter: PostFilter =
            switch (arguments.category, arguments.tag) {
            case (let category?, let tag?): .categoryAndTag(category: category, tag: tag)
            case (let category?, nil): .category(slug: category)
            case (nil, let tag?): .tag(slug: tag)
            case (nil, nil): .all
            }
        return try await publishing.posts(after: nil, limit: first, filter: filter).posts.map { PostNode($0, baseURL: baseURL) }
    }

    struct SlugArguments: Decodable, Sendable {
        var slug: String
    }

    func post(context: GraphQLContext, arguments: SlugArguments) async throws -> PostNode? {
        guard arguments.slug.count <= 120, Slug.isValid(arguments.slug), let post = try await publishing.post(arguments.slug) else { return nil }
        return PostNode(post.summary, baseURL: baseURL, html: post.html)
    }

    /// The catalogue, with the viewer's progress in each course: the courses and syllabi in one read, the viewer's
    /// enrolments and certificates in one more each, whatever the number of courses.
    func courses(context: GraphQLContext, arguments: NoArgumentsInput) async throws -> [CourseNode] {
        let now = Date()
        let courses = try await catalogue.catalogue()
        guard let user = context.caller?.user else {
            return courses.map { CourseNode($0, baseURL: baseURL, progress: nil, completed: nil, now: now) }
        }
        let held = Dictionary(try await enrolments.courses(of: user).map { ($0.slug, $0) }) { first, _ in first }
        let certified = Dictionary(try await certificates.held(by: user.id).filter { $0.revokedAt == nil }.map { ($0.courseSlug, $0.code) }) { first, _ in first }
        return courses.map { course in
            let slug = course.summary.slug
            guard let entry = held[slug] else {
                let required = course.lessons.filter { !$0.isOptional }.count
                let progress = CourseProgressNode(
                    enrolled: false, completedRequired: 0, required: required, percent: 0, complete: false, certificateCode: certified[slug])
                return CourseNode(course, baseURL: baseURL, progress: progress, completed: nil, now: now)
            }
            let progress = CourseProgressNode(
                enrolled: true, completedRequired: entry.progress.completedRequired, required: entry.progress.required, percent: entry.progress.percent,
                complete: entry.progress.isComplete, certificateCode: certified[slug])
            return CourseNode(course, baseURL: baseURL, progress: progress, completed: entry.progress.completedLessonIDs, now: now)
        }
    }

    func course(context: GraphQLContext, arguments: SlugArguments) async throws -> CourseNode? {
        let learner: LearnerCourse
        do {
            learner = try await catalogue.learnerCourse(arguments.slug, userID: context.caller?.user.id)
        } catch CourseRefusal.noSuchCourse {
            return nil
        }
        let progress = context.caller.map { _ in
            let shown = learner.isEnrolled ? learner.progress : nil
            return CourseProgressNode(
                enrolled: learner.isEnrolled, completedRequired: shown?.completedRequired ?? 0,
                required: shown?.required ?? learner.course.lessons.filter { !$0.isOptional }.count, percent: shown?.percent ?? 0,
                complete: shown?.isComplete ?? false, certificateCode: learner.certificateCode, waitlistPosition: learner.waitlistPosition)
        }
        return CourseNode(
            learner.course, baseURL: baseURL, progress: progress, completed: learner.isEnrolled ? learner.progress?.completedLessonIDs : nil, now: Date())
    }

    func viewer(context: GraphQLContext, arguments: NoArgumentsInput) async throws -> ViewerNode? {
        guard let caller = context.caller else { return nil }
        let courses = try await enrolments.courses(of: caller.user).map {
            EnrolmentNode(course: $0.slug, title: $0.title, percent: $0.progress.percent, complete: $0.progress.isComplete, nextLesson: $0.nextLesson?.slug)
        }
        return ViewerNode(name: caller.user.name, role: caller.user.role.rawValue, scope: caller.scope.rawValue, enrolments: courses)
    }

    struct CodeArguments: Decodable, Sendable {
        var code: String
    }

    func certificate(context: GraphQLContext, arguments: CodeArguments) async throws -> CertificateNode? {
        guard let certificate = try await certificates.verify(arguments.code) else { return nil }
        return CertificateNode(
            code: certificate.code, status: certificate.revokedAt != nil ? "revoked" : certificate.replacedBy != nil ? "replaced" : "valid",
            learnerName: certificate.learnerName, course: certificate.courseSlug, courseTitle: certificate.courseTitle,
            completedAt: GraphQLDates.text(certificate.completedAt))
    }

    // MARK: Mutations (the `learn` scope)

    struct CourseArguments: Decodable, Sendable {
        var course: String
    }

    func enrol(context: GraphQLContext, arguments: CourseArguments) async throws -> PlaceNode {
        try Self.place(try await enrolments.enrol(try context.require(.learn).user, in: arguments.course))
    }

    func leave(context: GraphQLContext, arguments: CourseArguments) async throws -> Bool {
        try await enrolments.leave(try context.require(.learn).user, courseSlug: arguments.course).left
    }

    struct RedeemArguments: Decodable, Sendable {
        var course: String
        var code: String
    }

    func redeemCode(context: GraphQLContext, arguments: RedeemArguments) async throws -> PlaceNode {
        let user = try context.require(.learn).user
        return try Self.place(try await enrolments.redeem(arguments.code, by: user, for: arguments.course, network: context.network))
    }

    struct LessonArguments: Decodable, Sendable {
        var course: String
        var lesson: String
    }

    func completeLesson(context: GraphQLContext, arguments: LessonArguments) async throws -> CompletionNode {
        let done = try await learning.complete(arguments.lesson, of: arguments.course, by: try context.require(.learn).user)
        return CompletionNode(course: done.access.course.summary.slug, lesson: done.access.lesson.slug, certificateCode: done.certificateCode)
    }

    struct AnswerArguments: Decodable, Sendable {
        var course: String
        var lesson: String
        var answers: [AnswerInput]
    }

    func answerQuiz(context: GraphQLContext, arguments: AnswerArguments) async throws -> QuizAttemptNode {
        let user = try context.require(.learn).user
        var answers: QuizAnswers = [:]
        for answer in arguments.answers { answers[answer.question, default: []] += answer.values }
        let submitted = try await learning.answerQuiz(answers, lesson: arguments.lesson, of: arguments.course, by: user)
        let result = submitted.result
        return QuizAttemptNode(
            id: Int(submitted.attemptID), score: result.score, correct: result.correct, total: result.total, passed: result.passed,
            correctQuestions: result.correctQuestions, certificateCode: submitted.certificateCode)
    }

    struct SubmitArguments: Decodable, Sendable {
        var course: String
        var lesson: String
        var text: String
        var link: String?
    }

    func submitCheckpoint(context: GraphQLContext, arguments: SubmitArguments) async throws -> SubmissionNode {
        let user = try context.require(.learn).user
        let submission = try await learning.submitCheckpoint(
            text: arguments.text, link: arguments.link ?? "", lesson: arguments.lesson, of: arguments.course, by: user)
        return SubmissionNode(
            id: Int(submission.id), version: submission.version, status: submission.status.rawValue, submittedAt: GraphQLDates.text(submission.submittedAt))
    }

    static func place(_ placed: Placement) throws -> PlaceNode {
        let slug = placed.course.summary.slug
        switch placed.outcome {
        case .enrolled: return PlaceNode(course: slug, outcome: "enrolled")
        case .alreadyEnrolled: return PlaceNode(course: slug, outcome: "already_enrolled")
        case .waitlisted(let position): return PlaceNode(course: slug, outcome: "waitlisted", waitlistPosition: position)
        case .requested: return PlaceNode(course: slug, outcome: "requested")
        case .refused(let state): throw CourseRefusal.enrolmentClosed(state)
        case .needs(let mode): throw CourseRefusal.placeNeeds(mode)
        }
    }
}

/// For fields that take no arguments (Graphiti's `NoArguments`, named here so this file needs no Graphiti import).
struct NoArgumentsInput: Decodable, Sendable {}
