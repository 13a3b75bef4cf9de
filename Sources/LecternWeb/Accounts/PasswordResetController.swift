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
        let (session, setCookie) = try await SessionGate.ensure(request, context: context, sessions: services.sessions, cookie: services.cookie)
        let view = ForgotPasswordView(
            site: renderer.site, meta: services.meta("Reset your password", "/password/forgot", session), csrf: session.csrfToken)
        return try services.page(renderer.render(view, with: forgotTemplate), setCookie: setCookie, request, context)
    }

    @Sendable func forgot(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await FormFields.read(from: &request)
        let session = try SessionGate.require(context)
        var view = ForgotPasswordView(
            site: renderer.site, meta: services.meta("Reset your password", "/password/forgot", session), csrf: session.csrfToken)
        view.email.value = form["email"]
        guard let email = AccountRules.email(form["email"], error: &view.email.error) else {
            return try renderer.render(view, with: forgotTemplate, status: .unprocessableContent).response(from: request, context: context)
        }
        if let user = try await services.users.credentials(for: email)?.user, !user.isDisabled {
            let token = try await resets.create(userID: user.id)
            let link = "\(renderer.baseURL)/password/reset/\(token)"
            services.deliver(
                to: user.email, subject: "Choose a new \(renderer.site.name) password",
                body:
                    "Hello \(user.name),\n\nSomeone (we hope you) asked to reset the password of your \(renderer.site.name) account.\nChoose a new password here; the link works once, for one hour:\n\n\(link)\n\nIf you did not ask, ignore this message: your password has not changed.\n"
            )
        }
        // Always the same answer, whether or not the address has an account.
        view.sent = true
        view.email.value = ""
        return try renderer.render(view, with: forgotTemplate).response(from: request, context: context)
    }

    @Sendable func resetForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let (session, setCookie) = try await SessionGate.ensure(request, context: context, sessions: services.sessions, cookie: services.cookie)
        let user = try await resets.user(forToken: token)
        let view = ResetPasswordView(
            site: renderer.site, meta: services.meta("Choose a new password", "/password/forgot", session), csrf: session.csrfToken, token: token,
            valid: user != nil, email: user?.email ?? "")
        var response = try services.page(
            renderer.render(view, with: resetTemplate, status: user == nil ? .notFound : .ok), setCookie: setCookie, request, context)
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
            site: renderer.site, meta: services.meta("Choose a new password", "/password/forgot", session), csrf: session.csrfToken, token: token,
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
        guard try await resets.reset(token: token, passwordHash: try await services.hasher.hash(password)) != nil else {
            view.valid = false
            return try renderer.render(view, with: resetTemplate, status: .notFound).response(from: request, context: context)
        }
        return .redirect(to: "/login?reset=1", type: .normal)
    }
}
