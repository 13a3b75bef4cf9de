import Hummingbird
import LecternStore
import Logging

/// What the account pages share: stores, hashing, mail, the cookie, rendering, and the few helpers they all use.
struct AccountServices: Sendable {
    let users: UserStore
    let sessions: SessionStore
    let hasher: PasswordHasher
    let mail: any MailTransport
    let cookie: SessionCookie
    let renderer: PageRenderer
    let logger: Logger

    /// Head values of an account page: never indexed, "Account" marked in the navigation.
    func meta(_ title: String, _ path: String, _ session: SessionRecord) -> PageMeta {
        renderer.meta(
            title: title, description: "\(title) at \(renderer.site.name).", path: path, section: "account", noindex: true, session: session)
    }

    /// Sends in the background so that whether a message goes out never shows in the response time.
    func deliver(to recipient: String, subject: String, body: String) {
        let mail = self.mail
        let logger = self.logger
        Task {
            do {
                try await mail.send(to: recipient, subject: subject, body: body)
            } catch {
                logger.error("could not send mail '\(subject)': \(error)")
            }
        }
    }

    /// A rendered page, with the cookie of a session created for its form when there was none.
    func page(_ html: HTML, setCookie: String?, _ request: Request, _ context: AppRequestContext) throws -> Response {
        var response = try html.response(from: request, context: context)
        if let setCookie { response.headers[.setCookie] = setCookie }
        return response
    }
}
