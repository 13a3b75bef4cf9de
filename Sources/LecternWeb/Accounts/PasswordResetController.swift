import Foundation
import Hummingbird
import LecternCore
import LecternStore
import Logging

/// Forgotten passwords: a one-time link by mail, built from the configured base URL, then a new password.
struct PasswordResetController: Sendable {
    let services: AccountServices
    let resets: PasswordResetStore
    let forgotTemplate: PageTemplate
    let resetTemplate: PageTemplate

    var renderer: PageRenderer { services.renderer }

    init(services: AccountServices, resets: PasswordResetStore) throws {
        self.services = services
        self.resets = resets
        self.forgotTemplate = try services.renderer.template("forgot")
        self.resetTemplate = try services.renderer.template("reset")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/password/forgot", use: forgotForm)
        group.post("/password/forgot", use: forgot)
        group.get("/password/reset/:token", use: resetForm)
        group.post("/password/reset/:token", use: reset)
    }

    @Sendable func forgotForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (csrf, setCookie) = services.formTokens.issue(request, context: context)
        let view = ForgotPasswordView(site: renderer.site, meta: services.meta("Reset your password", "/password/forgot", context), csrf: csrf)
        return try services.page(renderer.render(view, with: forgotTemplate), setCookie: setCookie, request, context)
    }

    @Sendable func forgot(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await FormFields.read(from: &request)
        var view = ForgotPasswordView(
            site: renderer.site, meta: services.meta("Reset your password", "/password/forgot", context),
            csrf: services.formTokens.current(request, context: context))
        view.email.value = form["email"]
        guard let email = AccountRules.email(form["email"], error: &view.email.error) else {
            return try renderer.render(view, with: forgotTemplate, status: .unprocessableContent).response(from: request, context: context)
        }
        try await services.limitMailForms(context)
        // One read either way; the link is made and mailed after the answer, so the response is the same, in the same
        // time, whether or not the address has an account and whether or not its hourly allowance of mail was used.
        let resets = self.resets
        let (site, baseURL) = (renderer.site.name, renderer.baseURL)
        if let user = try await services.users.credentials(for: email)?.user, !user.isDisabled {
            await services.deliver(to: user.email, kind: "reset", from: context, subject: "Choose a new \(site) password") {
                let token = try await resets.create(userID: user.id)
                return
                    "Hello,\n\nSomeone (we hope you) asked to reset the password of the \(site) account with this address.\nChoose a new password here; the link works once, for one hour:\n\n\(baseURL)/password/reset/\(token)\n\nIf you did not ask, ignore this message: your password has not changed.\n"
            }
        }
        view.sent = true
        view.email.value = ""
        return try renderer.render(view, with: forgotTemplate).response(from: request, context: context)
    }

    @Sendable func resetForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let (csrf, setCookie) = services.formTokens.issue(request, context: context)
        let user = try await resets.user(forToken: token)
        let view = ResetPasswordView(
            site: renderer.site, meta: services.meta("Choose a new password", "/password/forgot", context), csrf: csrf, token: token,
            valid: user != nil, email: user?.email ?? "")
        return try services.linkPage(view, with: resetTemplate, valid: user != nil, setCookie: setCookie, request, context)
    }

    @Sendable func reset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        var request = request
        let form = try await FormFields.read(from: &request)
        let user = try await resets.user(forToken: token)
        var view = ResetPasswordView(
            site: renderer.site, meta: services.meta("Choose a new password", "/password/forgot", context),
            csrf: services.formTokens.current(request, context: context), token: token, valid: user != nil, email: user?.email ?? "")
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
        guard let changed = try await resets.reset(token: token, passwordHash: try await services.hasher.hash(password)) else {
            view.valid = false
            return try renderer.render(view, with: resetTemplate, status: .notFound).response(from: request, context: context)
        }
        // The reset proved the mailbox: failed logins by others no longer lock the owner out.
        await services.throttle.unlock(account: EmailAddress.key(changed.email))
        return .redirect(to: "/login", flash: .passwordReset, cookie: services.flash)
    }
}
