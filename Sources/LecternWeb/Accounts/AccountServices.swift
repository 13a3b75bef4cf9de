import Foundation
import HTTPTypes
import Hummingbird
import LecternCore
import LecternServices
import LecternStore
import Logging

/// What the account pages share: the `Accounts` service, mail, the cookies, rendering, and the few helpers they all use.
struct AccountServices: Sendable {
    let accounts: Accounts
    let mail: any MailTransport
    let ledger: MailLedger
    let cookie: SessionCookie
    let formTokens: FormTokens
    let deviceCookie: DeviceCookie
    let flash: FlashCookie
    /// See `AppConfiguration.mailInBackground`.
    let mailInBackground: Bool
    let renderer: PageRenderer
    let logger: Logger

    /// Head values of an account page: never indexed, "Account" marked in the navigation.
    func meta(_ title: String, _ path: String, _ context: AppRequestContext) -> PageMeta {
        renderer.meta(
            title: title, description: "\(title) at \(renderer.site.name).", path: path, section: "account", noindex: true,
            session: context.session)
    }

    /// Sends in the background so that whether a message goes out never shows in the response time. Past the
    /// per-address limits (`AccountLimits.mailCounters`) nothing is sent and the form answers as usual.
    ///
    /// Mail to an address that has not proved it is its owner's carries no text a visitor chose (no name): only the
    /// site's own words and links.
    func deliver(
        to recipient: String, kind: String, from context: AppRequestContext, subject: String, body: @escaping @Sendable () async throws -> String?
    ) async {
        let mail = self.mail
        let ledger = self.ledger
        let logger = self.logger
        let counters = AccountLimits.mailCounters(kind: kind, network: context.clientNetwork)
        // The answer has been given: a database that is restarting must not lose the mail, so each step is tried again
        // while the storage is unavailable (for about half a minute), and only then given up with an error in the log.
        let send: @Sendable () async -> Void = {
            do {
                let claimed = try await Self.retryingWhileStorageIsUnavailable {
                    try await ledger.claim(recipient: recipient, counters: counters, window: AccountLimits.mailWindow)
                }
                guard claimed else {
                    logger.notice("not sending '\(kind)' mail: that address has had its allowance for the hour")
                    return
                }
                guard let text = try await Self.retryingWhileStorageIsUnavailable(body) else { return }
                try await Self.retryingWhileStorageIsUnavailable { try await mail.send(to: recipient, subject: subject, body: text) }
            } catch {
                logger.error("could not send mail '\(subject)': \(error)")
            }
        }
        if mailInBackground { Task { await send() } } else { await send() }
    }

    /// Runs `step`, and again after 0.5, 1, 2, 4, 8 and 16 s while it fails because the storage is unavailable.
    static func retryingWhileStorageIsUnavailable<T: Sendable>(_ step: @Sendable () async throws -> T) async throws -> T {
        var pause: Duration = .milliseconds(500)
        while true {
            do {
                return try await step()
            } catch is StorageUnavailableError where pause <= .seconds(16) {
                try await Task.sleep(for: pause)
                pause *= 2
            }
        }
    }

    /// `deliver` for a message whose text is known now.
    func deliver(to recipient: String, kind: String, from context: AppRequestContext, subject: String, body: String) async {
        await deliver(to: recipient, kind: kind, from: context, subject: subject) { body }
    }

    /// Mails `user` a link that verifies their address (single use, 48 hours), replacing any earlier link.
    func sendVerification(to user: User, from context: AppRequestContext) async {
        let site = renderer.site.name
        let baseURL = renderer.baseURL
        let accounts = self.accounts
        await deliver(to: user.email, kind: "verify", from: context, subject: "Confirm your address for \(site)") {
            guard let token = try await accounts.verificationLink(for: user) else { return nil }
            return
                "Hello,\n\nWelcome to \(site). To confirm that this address is yours, follow this link within 48 hours:\n\n\(baseURL)/account/verify/\(token)\n\nUntil then you can study as usual; certificates you earn are issued once the address is confirmed.\nIf you did not create an account, ignore this message: the address stays unconfirmed and receives nothing more from us.\n"
        }
    }

    /// The page a mailed link opens: 404 when the link is dead, and never kept by any cache (the address is a secret).
    func linkPage(
        _ view: some ViewModel, with template: PageTemplate, valid: Bool, setCookie: String?, _ request: Request, _ context: AppRequestContext
    ) throws -> Response {
        var response = try page(renderer.render(view, with: template, status: valid ? .ok : .notFound), setCookie: setCookie, request, context)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// A rendered page, with the form cookie of a visitor who had none.
    func page(_ html: HTML, setCookie: String?, _ request: Request, _ context: AppRequestContext) throws -> Response {
        var response = try html.response(from: request, context: context)
        if let setCookie { response.headers.append(HTTPField(name: .setCookie, value: setCookie)) }
        return response
    }
}
