import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore
import Logging

/// Forgotten passwords: a one-time link by mail, built from the configured base URL, then a new password.
struct PasswordResetController: Sendable {
    let services: AccountServices
    let forgotTemplate: PageTemplate
    let resetTemplate: PageTemplate

    var renderer: PageRenderer { services.renderer }

    init(services: AccountServices) throws {
        self.services = services
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
        let user: User?
        do {
            user = try await services.accounts.forgotPassword(email: form["email"], network: context.clientNetwork)
        } catch let problems as AccountProblems {
            view.email.error = problems[.email]
            return try renderer.render(view, with: forgotTemplate, status: .unprocessableContent).response(from: request, context: context)
        }
        // One read either way; the link is made and mailed after the answer, so the response is the same, in the same
        // time, whether or not the address has an account and whether or not its hourly allowance of mail was used.
        let accounts = services.accounts
        let (site, baseURL) = (renderer.site.name, renderer.baseURL)
        if let user {
            await services.deliver(to: user.email, kind: "reset", from: context, subject: "Choose a new \(site) password") {
                let token = try await accounts.resetLink(for: user)
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
        let user = try await services.accounts.resetTarget(token: token)
        let view = ResetPasswordView(
            site: renderer.site, meta: services.meta("Choose a new password", "/password/forgot", context), csrf: csrf, token: token,
            valid: user != nil, email: user?.email ?? "")
        return try services.linkPage(view, with: resetTemplate, valid: user != nil, setCookie: setCookie, request, context)
    }

    @Sendable func reset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        var request = request
        let form = try await FormFields.read(from: &request)
        let user = try await services.accounts.resetTarget(token: token)
        var view = ResetPasswordView(
            site: renderer.site, meta: services.meta("Choose a new password", "/password/forgot", context),
            csrf: services.formTokens.current(request, context: context), token: token, valid: user != nil, email: user?.email ?? "")
        guard user != nil else {
            return try renderer.render(view, with: resetTemplate, status: .notFound).response(from: request, context: context)
        }
        // Uses the token, sets the password and ends every session of the user in one transaction.
        let changed: User?
        do {
            changed = try await services.accounts.resetPassword(token: token, password: form["password"], confirmation: form["password_confirmation"])
        } catch let problems as AccountProblems {
            view.password.error = problems[.password]
            view.passwordConfirmation.error = problems[.passwordConfirmation]
            return try renderer.render(view, with: resetTemplate, status: .unprocessableContent).response(from: request, context: context)
        }
        guard changed != nil else {
            view.valid = false
            return try renderer.render(view, with: resetTemplate, status: .notFound).response(from: request, context: context)
        }
        return .redirect(to: "/login", flash: .passwordReset, cookie: services.flash)
    }
}
