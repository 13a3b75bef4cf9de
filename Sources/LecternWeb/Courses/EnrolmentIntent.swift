import Foundation
import Hummingbird
import LecternCore
import LecternStore

/// The course a visitor without an account asked to join ("Enrol now" → create an account or log in → enrolled).
/// `?enrol=<slug>` only chooses what the form shows; the form carries the slug with a signature bound to this visitor's
/// own form token, so no link or other site can make someone enrol by signing up or logging in.
struct EnrolmentIntent: Sendable {
    let signer: MessageSigner
    let courses: CourseStore
    let enrolments: EnrolmentStore
    let waitlists: WaitlistStore
    let flash: FlashCookie

    /// The course named by `slug`, for a form shown with `csrf`; nil when there is no such course.
    func offer(_ slug: String?, csrf: String) async throws -> EnrolIntentView? {
        guard let slug, Slug.isValid(slug), !csrf.isEmpty, let course = try await courses.course(slug: slug) else { return nil }
        return EnrolIntentView(slug: slug, title: course.summary.title, signature: signer.signature("enrol:\(csrf):\(slug)"))
    }

    /// The slug a posted form carries, when its signature is this visitor's.
    func accepted(_ form: FormFields, csrf: String) -> String? {
        let slug = form["enrol"]
        guard !slug.isEmpty, Slug.isValid(slug), !csrf.isEmpty, signer.isValid(form["enrol_signature"], for: "enrol:\(csrf):\(slug)") else {
            return nil
        }
        return slug
    }

    /// After sign-up or login: enrols the learner when the course is open and has a seat, and sends them to the first
    /// lesson; on a full open course puts them on its waitlist; otherwise sends them to the course page, which says why
    /// and what they can do there.
    func finish(slug: String, userID: Int64, newAccount: Bool) async throws -> (path: String, flash: Flash) {
        guard let course = try await courses.course(slug: slug) else { return ("/courses", .placeNotOpen) }
        let page = "/courses/\(slug)"
        switch try await enrolments.enrol(userID: userID, courseID: course.id) {
        case .enrolled:
            guard let first = course.lessons.first else { return (page, newAccount ? .welcome : .enrolled) }
            return ("\(page)/lessons/\(first.slug)", newAccount ? .welcomeEnrolled : .enrolled)
        case .alreadyEnrolled: return (page, .alreadyEnrolled)
        case .needs(.code): return (page, .placeNeedsCode)
        case .needs(.approval): return (page, .placeNeedsApproval)
        case .needs(.open): return (page, .placeNotOpen)
        case .refused(.full):
            switch try await waitlists.join(userID: userID, courseID: course.id) {
            case .waitlisted: return (page, .waitlisted)
            case .enrolled: return (page, .enrolled)
            default: return (page, .placeFull)
            }
        case .refused: return (page, .placeNotOpen)
        }
    }
}
