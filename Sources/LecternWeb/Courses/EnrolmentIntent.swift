import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// The course a visitor without an account asked to join ("Enrol now" → create an account or log in → enrolled).
/// `?enrol=<slug>` only chooses what the form shows; the form carries the slug with a signature bound to this visitor's
/// own form token, so no link or other site can make someone enrol by signing up or logging in.
struct EnrolmentIntent: Sendable {
    let signer: MessageSigner
    let catalogue: Catalogue
    let enrolments: Enrolments

    /// The course named by `slug`, for a form shown with `csrf`; nil when there is no such course.
    func offer(_ slug: String?, csrf: String) async throws -> EnrolIntentView? {
        guard let slug, Slug.isValid(slug), !csrf.isEmpty, let course = try? await catalogue.course(slug) else { return nil }
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
    func finish(slug: String, user: User, newAccount: Bool) async throws -> (path: String, flash: Flash) {
        let placed: Placement
        do {
            placed = try await enrolments.enrolOrWait(user, in: slug)
        } catch CourseRefusal.noSuchCourse {
            return ("/courses", .placeNotOpen)
        }
        let page = "/courses/\(slug)"
        switch placed.outcome {
        case .enrolled:
            guard let first = placed.course.lessons.first else { return (page, newAccount ? .welcome : .enrolled) }
            return ("\(page)/lessons/\(first.slug)", newAccount ? .welcomeEnrolled : .enrolled)
        case .alreadyEnrolled: return (page, .alreadyEnrolled)
        case .waitlisted: return (page, .waitlisted)
        case .requested: return (page, .requested)
        case .needs(.code): return (page, .placeNeedsCode)
        case .needs(.approval): return (page, .placeNeedsApproval)
        case .needs(.open): return (page, .placeNotOpen)
        case .refused(.full): return (page, .placeFull)
        case .refused: return (page, .placeNotOpen)
        }
    }
}
