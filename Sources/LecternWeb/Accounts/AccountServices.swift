import Foundation
import HTTPTypes
import Hummingbird
import LecternCore
import LecternServices
import LecternStore
import Logging

/// What the account pages share: stores, hashing, mail, the cookies, rendering, limits, and the few helpers they all use.
struct AccountServices: Sendable {
    let users: UserStore
    let verifications: EmailVerificationStore
    let sessions: SessionStore
    let hasher: PasswordHasher
    let mail: any MailTransport
    let ledger: MailLedger
    let cookie: SessionCookie
    let formTokens: FormTokens
    let deviceCookie: DeviceCookie
    let flash: FlashCookie
    let limiter: RateLimiter
    /// Mail-sending form posts allowed from one client address an hour.
    let mailFormsPerAddress: Int
    /// See `AppConfiguration.mailInBackground`.
    let mailInBackground: Bool
    let throttle: LoginThrottle
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
        let send: @Sendable () async -> Void = {
            do {
                guard try await ledger.claim(recipient: recipient, counters: counters, window: AccountLimits.mailWindow) else {
                    logger.notice("not sending '\(kind)' mail: that address has had its allowance for the hour")
                    return
                }
                guard let text = try await body() else { return }
                try await mail.send(to: recipient, subject: subject, body: text)
            } catch {
                logger.error("could not send mail '\(subject)': \(error)")
            }
        }
        if mailInBackground { Task { await send() } } else { await send() }
    }

    /// `deliver` for a message whose text is known now.
    func deliver(to recipient: String, kind: String, from context: AppRequestContext, subject: String, body: String) async {
        await deliver(to: recipient, kind: kind, from: context, subject: subject) { body }
    }

    /// Mails `user` a link that verifies their address (single use, 48 hours), replacing any earlier link.
    func sendVerification(to user: User, from context: AppRequestContext) async {
        let site = renderer.site.name
        let baseURL = renderer.baseURL
        let verifications = self.verifications
        await deliver(to: user.email, kind: "verify", from: context, subject: "Confirm your address for \(site)") {
            guard let token = try await verifications.create(userID: user.id) else { return nil }
            return
                "Hello,\n\nWelcome to \(site). To confirm that this address is yours, follow this link within 48 hours:\n\n\(baseURL)/account/verify/\(token)\n\nUntil then you can study as usual; certificates you earn are issued once the address is confirmed.\nIf you did not create an account, ignore this message: the address stays unconfirmed and receives nothing more from us.\n"
        }
    }

    /// Counts a mail-sending form from this client; throws a 429 past the limit.
    func limitMailForms(_ context: AppRequestContext) async throws {
        if let wait = await limiter.take("mail-form:\(context.clientNetwork)", AccountLimits.mailFormsPerClient(mailFormsPerAddress)) {
            throw Self.tooManyRequests(wait, "Too many requests came from your network. Wait a while and try again.")
        }
    }

    /// A 429 on the site's error page, with `Retry-After`.
    /// Counts one change to `user`'s account (each costs a hash when it checks the password); past the limit, a 429.
    func limitProfileChanges(_ user: User) async throws {
        if let wait = await limiter.take("profile:\(user.id)", AccountLimits.profileChangesPerAccount) {
            throw Self.tooManyRequests(wait, "Your account has made many changes in the last hour. Wait a while and try again.")
        }
    }

    /// What is wrong with the current password typed to confirm a sensitive change, or nil when it is right. Each try
    /// counts as an account change, so a stolen session cannot guess the password at will.
    func currentPasswordProblem(_ typed: String, for user: User) async throws -> String? {
        guard !typed.isEmpty else { return "Enter your current password." }
        try await limitProfileChanges(user)
        return try await hasher.verify(typed, against: try await users.passwordHash(userID: user.id)) ? nil : "That is not your current password."
    }

    static func tooManyRequests(_ seconds: TimeInterval, _ message: String) -> HTTPError {
        let minutes = max(1, Int((seconds / 60).rounded(.up)))
        return HTTPError(
            .tooManyRequests, headers: [.retryAfter: String(Int(seconds.rounded(.up)))],
            message: "\(message) (about \(minutes) minute\(minutes == 1 ? "" : "s"))")
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
