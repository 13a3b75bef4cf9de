import Foundation
import Hummingbird
import LecternCore
import LecternServices

/// A learner's submissions to a checkpoint, sent from its lesson page.
struct CheckpointController: Sendable {
    let lessons: LessonController

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/courses/:slug/lessons/:lesson/submissions", use: submit)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        guard let user = try await lessons.user(context, for: .checkpoint) else { return SessionGate.loginRedirect(for: request) }
        let (courseSlug, lessonSlug) = (try context.parameters.require("slug"), try context.parameters.require("lesson"))
        let form = try await FormFields.read(from: &request)
        do {
            _ = try await lessons.learning.submitCheckpoint(text: form["text"], link: form["link"], lesson: lessonSlug, of: courseSlug, by: user)
        } catch CourseRefusal.checkpointInvalid(let problems) {
            // Shown again with what was typed, and a word at each field to fix.
            return try lessons.render(
                try await lessons.find(context), request: request, context: context, submission: (form["text"], form["link"], problems.fields),
                status: .unprocessableContent)
        }
        return .redirect(to: "/courses/\(courseSlug)/lessons/\(lessonSlug)", flash: .checkpointSent, cookie: lessons.flash)
    }
}
