import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// `/dashboard`: my courses with progress and the next lesson, and my certificates.
struct DashboardController: Sendable {
    let enrolments: Enrolments
    let renderer: PageRenderer
    let template: PageTemplate
    let pageCache: PageCache

    init(enrolments: Enrolments, renderer: PageRenderer, pageCache: PageCache) throws {
        self.pageCache = pageCache
        self.enrolments = enrolments
        self.renderer = renderer
        self.template = try renderer.template("dashboard")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/dashboard", use: dashboard)
    }

    @Sendable func dashboard(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (session, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        let dashboard = try await enrolments.dashboard(of: user)
        let courses = dashboard.courses.map { entry in
            // "Continue" goes to the learner's place (the lesson opened last), "Next" to the first lesson still to do.
            let place = entry.lastLesson ?? entry.nextLesson
            let next = entry.nextLesson?.id == place?.id ? nil : entry.nextLesson
            return DashboardCourseView(
                slug: entry.slug, title: entry.title, progress: ProgressView(entry.progress, certified: entry.certifiedAt != nil, unverified: !user.isEmailVerified),
                nextLessonTitle: next?.title, nextLessonURL: next.map { "/courses/\(entry.slug)/lessons/\($0.slug)" },
                continueTitle: place?.title, continueURL: place.map { "/courses/\(entry.slug)/lessons/\($0.slug)" },
                certified: entry.certifiedAt.map { "Certified on \(renderer.dates.long($0))" })
        }
        let certificates = dashboard.certificates.map {
            CertificateLinkView(code: $0.code, courseTitle: $0.courseTitle, date: renderer.dates.long($0.completedAt), isRevoked: $0.revokedAt != nil)
        }
        let view = DashboardView(
            site: renderer.site,
            meta: renderer.meta(
                title: "Dashboard", description: "Your courses and certificates.", path: "/dashboard", section: "dashboard", noindex: true,
                session: session),
            name: user.name,
            courses: courses,
            hasCourses: !courses.isEmpty,
            certificates: certificates,
            hasCertificates: !certificates.isEmpty,
            notice: context.flash?.text
        )
        // The skeleton is keyed by everything on the page, so a learner's reloads reuse their own.
        return try renderer.renderPersonal(view, with: template, cache: pageCache) { view, mark in
            view.meta.markViewer(mark)
        }.response(from: request, context: context)
    }
}
