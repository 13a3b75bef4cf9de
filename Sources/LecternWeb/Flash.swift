import HTTPTypes
import Hummingbird
import LecternCore

/// A one-time notice shown on the page a form redirects to ("You are enrolled"). It travels in a short-lived cookie
/// signed with the site key, never in the query string, so nobody can make the site say something by sending a link;
/// `FlashMiddleware` reads it for one page and clears it.
enum Flash: String, Sendable, CaseIterable {
    case passwordReset = "reset"
    case profileSaved = "profile"
    case passwordChanged = "password"
    case otherSessionsEnded = "sessions"
    case emailChangeSent = "email-sent"
    case emailChanged = "email-changed"
    case enrolled
    case alreadyEnrolled = "already"
    case left
    case lessonDone = "done"
    case lessonUndone = "undone"
    case lessonDoneContinue = "done-next"
    case checkpointSent = "checkpoint-sent"
    case reviewed
    case welcome
    case welcomeEnrolled = "welcome-enrolled"
    case placeNeedsCode = "needs-code"
    case placeNeedsApproval = "needs-approval"
    case placeFull = "full"
    case placeOpen = "open"
    case placeNotOpen = "not-open"
    case waitlisted
    case codeWaitlisted = "code-waitlisted"
    case requested
    case requestWithdrawn = "withdrawn"
    case waitlistLeft = "waitlist-left"
    case emailVerified = "verified"
    case verificationSent = "verification-sent"
    case requestApproved = "request-approved"
    case requestDeclined = "request-declined"
    case tokenRevoked = "token-revoked"
    case notificationsRead = "notifications-read"

    var text: String {
        switch self {
        case .passwordReset: "Your password has been changed and every device was signed out. Log in with the new password."
        case .profileSaved: "Your profile has been saved."
        case .passwordChanged: "Your password has been changed. Your other devices have been signed out."
        case .otherSessionsEnded: "You have been signed out everywhere else."
        case .emailChangeSent:
            "We have sent a link to the new address. Your address changes when you follow it (within 24 hours); until then, it stays as it is."
        case .emailChanged: "Your email address has been changed. Your other devices have been signed out."
        case .enrolled: "You are enrolled. Welcome to the course!"
        case .alreadyEnrolled: "You were already enrolled in this course."
        case .left: "You have left the course. Your completed lessons are kept if you come back."
        case .lessonDone: "Lesson marked as complete."
        case .lessonUndone: "Lesson marked as not complete."
        case .lessonDoneContinue: "Previous lesson complete. On to this one."
        case .checkpointSent: "Your work was sent. An instructor will review it; their decision and feedback show on this page."
        case .reviewed: "Review saved. The learner sees it on the checkpoint's page."
        case .welcome: "Welcome! Your account is ready. Please confirm your address with the link we have mailed you."
        case .welcomeEnrolled:
            "Welcome! Your account is ready and you are enrolled: this is your first lesson. Please confirm your address with the link we have mailed you."
        case .placeNeedsCode: "Places on this course are entered with an access code: type yours below."
        case .placeNeedsApproval: "Places on this course are given by the school: ask for yours below."
        case .placeOpen: "This course takes learners without a code or a request: enrol with the button below."
        case .placeFull: "You are signed in, but every seat on this course is taken. You can join the waitlist below."
        case .placeNotOpen: "You are signed in, but this course does not take enrolments at the moment: its dates are below."
        case .waitlisted: "You are on the waitlist. Your place in line is shown below; when a seat is yours you are enrolled and we mail you."
        case .codeWaitlisted:
            "Your code is accepted and your place is paid for. The course is full, so you wait on the waitlist: we mail you when your seat is ready."
        case .requested: "Your request was sent. It holds a seat while the school decides, and you will hear by mail."
        case .requestWithdrawn: "Your request was withdrawn."
        case .waitlistLeft: "You have left the waitlist."
        case .emailVerified: "Thank you: your address is confirmed."
        case .verificationSent: "We have sent a new link to your address. It works for 48 hours."
        case .requestApproved: "Request approved: the learner is enrolled and has been told."
        case .requestDeclined: "Request declined: the learner has been told, and the seat went to the next in line, if anyone waits."
        case .tokenRevoked: "The token has been revoked: programs using it are refused from now on."
        case .notificationsRead: "Every notification is marked as read."
        }
    }
}

/// Sets and reads the signed flash cookie.
struct FlashCookie: Sendable {
    let signer: MessageSigner
    let secure: Bool

    var name: String { secure ? "__Host-lectern_flash" : "lectern_flash" }

    func setting(_ flash: Flash) -> String {
        SessionCookie.header(name, "\(flash.rawValue).\(signer.signature("flash:\(flash.rawValue)"))", maxAge: 120, secure: secure)
    }

    var clearing: String { SessionCookie.header(name, "", maxAge: 0, secure: secure) }

    func read(_ request: Request) -> Flash? {
        guard let value = request.cookies[name]?.value else { return nil }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let flash = Flash(rawValue: String(parts[0])), signer.isValid(String(parts[1]), for: "flash:\(parts[0])")
        else { return nil }
        return flash
    }
}

/// Puts the request's flash into the context and clears the cookie on the response that shows it (a GET that
/// answers 200), so a notice is shown once.
struct FlashMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let liveFetch = HTTPField.Name("X-Lectern-Live")!
    let cookie: FlashCookie

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The live module's fetch of the page is no visit: the notice stays for the page the person opens next.
        guard request.cookies[cookie.name] != nil, request.headers[Self.liveFetch] == nil else { return try await next(request, context) }
        var context = context
        context.flash = cookie.read(request)
        var response = try await next(request, context)
        if request.method == .get, response.status == .ok || context.flash == nil {
            response.headers.append(HTTPField(name: .setCookie, value: cookie.clearing))
        }
        return response
    }
}

extension Response {
    /// A 303 to `path` that shows `flash` there.
    static func redirect(to path: String, flash: Flash, cookie: FlashCookie) -> Response {
        var response = Response.redirect(to: path, type: .normal)
        response.headers.append(HTTPField(name: .setCookie, value: cookie.setting(flash)))
        return response
    }
}
