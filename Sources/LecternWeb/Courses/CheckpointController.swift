import Foundation
import Hummingbird
import LecternCore
import LecternStore

/// A learner's submissions to a checkpoint, sent from its lesson page.
struct CheckpointController: Sendable {
    let lessons: LessonController
    let checkpoints: CheckpointStore

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/courses/:slug/lessons/:lesson/submissions", use: submit)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let found = try await lessons.find(context)
        let (learner, lesson, _, _) = found
        let course = learner.course
        guard let user = context.session?.user else { return SessionGate.loginRedirect(for: request) }
        guard learner.isEnrolled else { throw HTTPError(.forbidden, message: "Enrol in \(course.summary.title) to send work for its checkpoints.") }
        guard lesson.kind == .checkpoint else { throw HTTPError(.notFound, message: "This lesson is not a checkpoint: there is nothing to send.") }
        let form = try await FormFields.read(from: &request)
        let answer: CheckpointAnswer
        do throws(CheckpointAnswer.Problems) {
            answer = try CheckpointAnswer(text: form["text"], link: form["link"])
        } catch {
            // Shown again with what was typed, and a word at each field to fix.
            return try lessons.render(
                found, request: request, context: context, submission: (form["text"], form["link"], error.fields), status: .unprocessableContent)
        }
        do {
            _ = try await checkpoints.submit(userID: user.id, lessonID: lesson.id, answer: answer)
        } catch let refusal as CheckpointRefusal {
            throw HTTPError(.conflict, message: refusal.message)
        }
        return .redirect(to: "/courses/\(course.summary.slug)/lessons/\(lesson.slug)", flash: .checkpointSent, cookie: lessons.flash)
    }
}
