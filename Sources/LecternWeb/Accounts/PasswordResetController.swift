import Foundation
import Hummingbird
import LecternCore
import LecternStore
import Logging

/// Forgotten passwords: a one-time link by mail, built from the configured base URL, then a new password.
struct PasswordResetController: Sendable {
    let users: UserStore
    let resets: PasswordResetStore
    let sessions: SessionStore
    let hasher: PasswordHasher
    let mail: any MailTransport
    let cookie: SessionCookie
    let renderer: PageRenderer
    let logger: Logger
    let forgotTemplate: PageTemplate
    let resetTemplate: PageTemplate

    init(
        users: UserStore, resets: PasswordResetStore, sessions: SessionStore, hasher: PasswordHasher, mail: any MailTransport, cookie: SessionCookie,
        renderer: PageRenderer, logger: Logger
    ) throws {
        self.users = users
        self.resets = resets
        self.sessions = sessions
        self.hasher = hasher
        self.mail = mail
        self.cookie = cookie
        self.renderer = renderer
        self.logger = logger
        self.forgotTemplate = try renderer.template("forgot")
        self.resetTemplate = try renderer.template("reset")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/password/forgot", use: forgotForm)
        group.post("/password/forgot", use: forgot)
        group.get("/password/reset/:token", use: resetForm)
        group.post("/password/reset/:token", use: reset)
    }

    @Sendable func forgotForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (session, setCookie) = try await SessionGate.ensure(request, context: context, sessions: sessions, cookie: cookie)
        let view = ForgotPasswordView(site: renderer.site, meta: meta("Reset your password", "/password/forgot", session), csrf: session.csrfToken)
        var response = try renderer.render(view, with: forgotTemplate).response(from: request, context: context)
        if let setCookie { response.headers[.setCookie] = setCookie }
        return response
    }

    @Sendable func forgot(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await FormFields.read(from: &request)
        let session = try SessionGate.require(context)
        var view = ForgotPasswordView(site: renderer.site, meta: meta("Reset your password", "/password/forgot", session), csrf: session.csrfToken)
        view.email.value = form["email"]
        guard let email = AccountRules.email(form["email"], error: &view.email.error) else {
            return try renderer.render(view, with: forgotTemplate, status: .unprocessableContent).response(from: request, context: context)
        }
        if let user = try await users.credentials(for: email)?.user, !user.isDisabled {
            let token = try await resets.create(userID: user.id)
            let link = "\(renderer.baseURL)/password/reset/\(token)"
            let mail = self.mail
            let logger = self.logger
            let site = renderer.site.name
            Task {
                do {
                    try await mail.send(
                        to: user.email, subject: "Choose a new \(site) password",
                        body:
                            "Hello \(user.name),\n\nSomeone (we hope you) asked to reset the password of your \(site) account.\nChoose a new password here; the link works once, for one hour:\n\n\(link)\n\nIf you did not ask, ignore this message: your password has not changed.\n"
                    )
                } catch {
                    logger.error("could not send a password reset mail: \(error)")
                }
            }
        }
        // Always the same answer, whether or not the address has an account.
        view.sent = true
        view.email.value = ""
        return try renderer.render(view, with: forgotTemplate).response(from: request, context: context)
    }

    @Sendable func resetForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let (session, setCookie) = try await SessionGate.ensure(request, context: context, sessions: sessions, cookie: cookie)
        let user = try await resets.user(forToken: token)
        let view = ResetPasswordView(
            site: renderer.site, meta: meta("Choose a new password", "/password/forgot", session), csrf: session.csrfToken, token: token,
            valid: user != nil, email: user?.email ?? "")
        var response = try renderer.render(view, with: resetTemplate, status: user == nil ? .notFound : .ok).response(from: request, context: context)
        if let setCookie { response.headers[.setCookie] = setCookie }
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func reset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        var request = request
        let form = try await FormFields.read(from: &request)
        let session = try SessionGate.require(context)
        let user = try await resets.user(forToken: token)
        var view = ResetPasswordView(
            site: renderer.site, meta: meta("Choose a new password", "/password/forgot", session), csrf: session.csrfToken, token: token,
            valid: user != nil, email: user?.email ?? "")
        guard user != nil else {
            return try renderer.render(view, with: resetTemplate, status: .notFound).response(from: request, context: context)
        }
        let password = form["password"]
        AccountRules.newPassword(
            password, confirmation: form["password_confirmation"], error: &view.password.error, confirmationError: &view.passwordConfirmation.error)
        guard view.password.error == nil, view.passwordConfirmation.error == nil else {
            return try renderer.render(view, with: resetTemplate, status: .unprocessableContent).response(from: request, context: context)
        }
        // Uses the token, sets the password and ends every session of the user in one transaction.
        guard try await resets.reset(token: token, passwordHash: try await hasher.hash(password)) != nil else {
            view.valid = false
            return try renderer.render(view, with: resetTemplate, status: .notFound).response(from: request, context: context)
        }
        return .redirect(to: "/login?reset=1", type: .normal)
    }

    private func meta(_ title: String, _ path: String, _ session: SessionRecord) -> PageMeta {
        renderer.meta(title: title, description: "\(title) at \(renderer.site.name).", path: path, section: "account", noindex: true, session: session)
    }
}
