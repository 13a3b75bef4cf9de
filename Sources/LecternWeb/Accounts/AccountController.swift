import Foundation
import HTTPTypes
import Hummingbird
import LecternCore
import LecternServices
import LecternStore
import Logging

/// Registration, login, logout and the account page (profile, address, password, sessions): forms read here, the rules
/// and the changes in `Accounts`.
struct AccountController: Sendable {
    let services: AccountServices
    let intent: EnrolmentIntent
    let registerTemplate: PageTemplate
    let loginTemplate: PageTemplate
    let accountTemplate: PageTemplate
    let confirmEmailTemplate: PageTemplate

    var accounts: Accounts { services.accounts }
    var cookie: SessionCookie { services.cookie }
    var renderer: PageRenderer { services.renderer }

    init(services: AccountServices, intent: EnrolmentIntent) throws {
        self.services = services
        self.intent = intent
        self.registerTemplate = try services.renderer.template("register")
        self.loginTemplate = try services.renderer.template("login")
        self.accountTemplate = try services.renderer.template("account")
        self.confirmEmailTemplate = try services.renderer.template("confirm-email")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/register", use: registerForm)
        group.post("/register", use: register)
        group.get("/login", use: loginForm)
        group.post("/login", use: login)
        group.post("/logout", use: logout)
        group.get("/account", use: account)
        group.post("/account/profile", use: updateProfile)
        group.post("/account/email", use: changeEmail)
        group.get("/account/email/confirm/:token", use: confirmEmailForm)
        group.post("/account/email/confirm/:token", use: confirmEmail)
        group.post("/account/password", use: changePassword)
        group.post("/account/sessions/end-others", use: endOtherSessions)
    }

    // MARK: Registration

    @Sendable func registerForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.session?.user != nil { return .redirect(to: "/account", type: .normal) }
        let (csrf, setCookie) = services.formTokens.issue(request, context: context)
        var view = RegisterView(site: renderer.site, meta: services.meta("Create your account", "/register", context), csrf: csrf)
        view.next = SafeRedirect.path(request.uri.queryParameters.get("next"), fallback: "")
        view.enrol = try await intent.offer(request.uri.queryParameters.get("enrol").map { String($0) }, csrf: csrf)
        return try services.page(renderer.render(view, with: registerTemplate), setCookie: setCookie, request, context)
    }

    /// Creates the account and signs the visitor in on a fresh session, mails the link that verifies the address, and
    /// carries out the enrolment the form was shown for. A taken address gets the login form, its owner a warning.
    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await FormFields.read(from: &request)
        let csrf = services.formTokens.current(request, context: context)
        var view = RegisterView(site: renderer.site, meta: services.meta("Create your account", "/register", context), csrf: csrf)
        view.name.value = form["name"]
        view.email.value = form["email"]
        view.next = SafeRedirect.path(form["next"], fallback: "")
        let course = intent.accepted(form, csrf: csrf)
        view.enrol = try await intent.offer(course, csrf: csrf)

        let user: User
        do {
            switch try await accounts.signUp(
                name: form["name"], email: form["email"], password: form["password"], confirmation: form["password_confirmation"],
                network: context.clientNetwork)
            {
            case .created(let created): user = created
            case .taken(let email): return try await alreadyRegistered(email, form: form, view: view, request: request, context: context)
            }
        } catch let problems as AccountProblems {
            view.name.error = problems[.name]
            view.email.error = problems[.email]
            view.password.error = problems[.password]
            view.passwordConfirmation.error = problems[.passwordConfirmation]
            view.formError = "Please correct the fields marked below."
            return try renderer.render(view, with: registerTemplate, status: .unprocessableContent).response(from: request, context: context)
        }
        await services.sendVerification(to: user, from: context)
        if let course {
            let (path, flash) = try await intent.finish(slug: course, user: user, newAccount: true)
            return try await signIn(user, request: request, context: context, redirectTo: path, flash: flash)
        }
        return try await signIn(user, request: request, context: context, redirectTo: view.next.isEmpty ? "/dashboard" : view.next, flash: .welcome)
    }

    /// Signing up signs in, so whether an address is taken cannot be hidden here (see README, "Accounts"): the visitor is
    /// sent to log in with it, its owner is told, and the mail-form limit bounds the probing.
    private func alreadyRegistered(
        _ email: EmailAddress, form: FormFields, view: RegisterView, request: Request, context: AppRequestContext
    ) async throws -> Response {
        let site = renderer.site.name
        await services.deliver(
            to: email.value, kind: "register-taken", from: context, subject: "Someone tried to register with your address",
            body:
                "Hello,\n\nSomeone tried to create a \(site) account with this address, which already has one.\nIf it was you, log in at \(renderer.baseURL)/login, or choose a new password at \(renderer.baseURL)/password/forgot.\nIf it was not you, you can ignore this message: nothing has changed.\n"
        )
        var login = LoginView(
            site: renderer.site, meta: services.meta("Log in", "/login", context), csrf: view.csrf, next: SafeRedirect.path(form["next"]),
            registerURL: "/register")
        login.email.value = email.value
        login.enrol = view.enrol
        login.formError = "That address already has an account. Log in with its password, or choose a new one if you have forgotten it."
        return try renderer.render(login, with: loginTemplate).response(from: request, context: context)
    }

    // MARK: Login and logout

    @Sendable func loginForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let next = SafeRedirect.path(request.uri.queryParameters.get("next"))
        if context.session?.user != nil { return .redirect(to: next, type: .normal) }
        let (csrf, setCookie) = services.formTokens.issue(request, context: context)
        var view = LoginView(site: renderer.site, meta: services.meta("Log in", "/login", context), csrf: csrf, next: next, registerURL: "/register")
        if next != "/account" { view.registerURL = "/register?next=\(SafeRedirect.queryValue(next))" }
        view.enrol = try await intent.offer(request.uri.queryParameters.get("enrol").map { String($0) }, csrf: csrf)
        if let enrol = view.enrol { view.registerURL = "/register?enrol=\(enrol.slug)" }
        view.notice = context.flash?.text
        return try services.page(renderer.render(view, with: loginTemplate), setCookie: setCookie, request, context)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await FormFields.read(from: &request)
        let next = SafeRedirect.path(form["next"])
        let csrf = services.formTokens.current(request, context: context)
        var view = LoginView(site: renderer.site, meta: services.meta("Log in", "/login", context), csrf: csrf, next: next, registerURL: "/register")
        let course = intent.accepted(form, csrf: csrf)
        view.enrol = try await intent.offer(course, csrf: csrf)
        view.email.value = form["email"].trimmingCharacters(in: .whitespacesAndNewlines)
        let (deviceCookie, sent) = (services.deviceCookie, request)
        let signedIn: Accounts.SignIn?
        do {
            signedIn = try await accounts.logIn(email: form["email"], password: form["password"], network: context.clientNetwork) { key, hash in
                deviceCookie.trustedDevice(in: sent, emailKey: key, passwordHash: hash)
            }
        } catch let problems as AccountProblems {
            view.email.error = problems[.email]
            view.password.error = problems[.password]
            return try renderer.render(view, with: loginTemplate, status: .unprocessableContent).response(from: request, context: context)
        } catch AccountRefusal.tooManyFailedLogins(let wait) {
            let minutes = max(1, Int((wait / 60).rounded(.up)))
            view.formError = "Too many failed attempts. Wait \(minutes) minute\(minutes == 1 ? "" : "s") and try again, or reset your password."
            var response = try renderer.render(view, with: loginTemplate, status: .tooManyRequests).response(from: request, context: context)
            response.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            return response
        }
        guard let signedIn else {
            view.formError = "That email address and password do not match an account. Check both and try again."
            return try renderer.render(view, with: loginTemplate, status: .unprocessableContent).response(from: request, context: context)
        }
        var response: Response
        if let course {
            let (path, flash) = try await intent.finish(slug: course, user: signedIn.user, newAccount: false)
            response = try await signIn(signedIn.user, request: request, context: context, redirectTo: path, flash: flash)
        } else {
            response = try await signIn(signedIn.user, request: request, context: context, redirectTo: next)
        }
        response.headers.append(
            HTTPField(name: .setCookie, value: deviceCookie.setting(emailKey: EmailAddress.key(signedIn.user.email), passwordHash: signedIn.passwordHash)))
        return response
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let session = context.session {
            do {
                try await accounts.endSession(session.idHash)
            } catch let error as StorageUnavailableError {
                // Signing out of this browser must still work (a shared computer); the stored session expires on its own.
                context.logger.error("logout could not delete the session, clearing the cookie only: \(error)")
            }
        }
        var response = Response.redirect(to: "/", type: .normal)
        response.headers.append(HTTPField(name: .setCookie, value: cookie.clearing))
        return response
    }

    // MARK: The account page

    @Sendable func account(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (session, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        var view = accountView(session, user, context)
        view.notice = context.flash?.text
        return try await accountPage(view, session: session, user: user, request: request, context: context)
    }

    @Sendable func updateProfile(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (session, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        var request = request
        let form = try await FormFields.read(from: &request)
        var view = accountView(session, user, context)
        view.name.value = form["name"]
        do {
            _ = try await accounts.rename(user, to: form["name"])
            return .redirect(to: "/account", flash: .profileSaved, cookie: services.flash)
        } catch let problems as AccountProblems {
            view.name.error = problems[.name]
        }
        view.profileError = "Your profile was not saved. Please correct the fields marked below."
        return try await accountPage(view, session: session, user: user, request: request, context: context, status: .unprocessableContent)
    }

    /// Asks for the current password, then mails a link to the new address; the address changes only when it is
    /// followed. The answer is the same whether or not another account has the new address.
    @Sendable func changeEmail(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (session, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        var request = request
        let form = try await FormFields.read(from: &request)
        var view = accountView(session, user, context)
        view.newEmail.value = form["email"]
        let change: Accounts.EmailChangeRequest
        do {
            change = try await accounts.requestEmailChange(
                user, to: form["email"], currentPassword: form["current_password"], network: context.clientNetwork)
        } catch let problems as AccountProblems {
            view.newEmail.error = problems[.email]
            view.emailPassword.error = problems[.currentPassword]
            view.emailError = "Your address was not changed. Please correct the fields marked below."
            return try await accountPage(view, session: session, user: user, request: request, context: context, status: .unprocessableContent)
        }
        let site = renderer.site.name
        if let token = change.token {
            await services.deliver(
                to: change.newEmail.value, kind: "email-change", from: context, subject: "Confirm your new \(site) address",
                body:
                    "Hello,\n\nSomeone asked to use this address for a \(site) account. To confirm, follow this link within 24 hours:\n\n\(renderer.baseURL)/account/email/confirm/\(token)\n\nIf you did not ask, ignore this message: nothing changes unless the link is followed.\n"
            )
        }
        // Told whether or not the new address is free, so this mailbox cannot be used to learn who has an account.
        await services.deliver(
            to: user.email, kind: "email-change-requested", from: context, subject: "A change of your \(site) address was requested",
            body:
                "Hello,\n\nOn \(renderer.dates.longWithTime(Date())) someone signed in to your \(site) account asked to change its email address. It changes only if the link we sent to the new address is followed.\n\nIf this was not you, secure your account now: choose a new password at \(renderer.baseURL)/password/forgot. That cancels the change and signs out every device.\n"
        )
        return .redirect(to: "/account", flash: .emailChangeSent, cookie: services.flash)
    }

    @Sendable func confirmEmailForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let (csrf, setCookie) = services.formTokens.issue(request, context: context)
        let address = try await accounts.pendingEmailChange(token: token)
        let view = ConfirmEmailView(
            site: renderer.site, meta: services.meta("Confirm your new address", "/account", context), csrf: csrf, token: token,
            valid: address != nil, email: address ?? "")
        return try services.linkPage(view, with: confirmEmailTemplate, valid: address != nil, setCookie: setCookie, request, context)
    }

    @Sendable func confirmEmail(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        guard let change = try await accounts.confirmEmailChange(token: token, keeping: context.session?.idHash) else {
            let view = ConfirmEmailView(
                site: renderer.site, meta: services.meta("Confirm your new address", "/account", context),
                csrf: services.formTokens.current(request, context: context), token: token, valid: false, email: "")
            return try renderer.render(view, with: confirmEmailTemplate, status: .notFound).response(from: request, context: context)
        }
        let site = renderer.site.name
        await services.deliver(
            to: change.previousEmail, kind: "email-changed", from: context, subject: "Your \(site) address was changed",
            body:
                "Hello,\n\nOn \(renderer.dates.longWithTime(Date())) the email address of your \(site) account was changed from this one to a new address, confirmed from that mailbox. Every other device was signed out, and reset links sent here no longer work.\n\nIf this was not you, reply to this message or contact the school at once, quoting this address, so we can secure the account.\n"
        )
        let signedInAsOwner = context.session?.user?.id == change.user.id
        return .redirect(to: signedInAsOwner ? "/account" : "/login", flash: .emailChanged, cookie: services.flash)
    }

    /// The account page's view for `user`, before any form is shown again.
    private func accountView(_ session: SessionRecord, _ user: User, _ context: AppRequestContext) -> AccountView {
        var view = AccountView(site: renderer.site, meta: services.meta("Your account", "/account", context), csrf: session.csrfToken, email: user.email)
        view.name.value = user.name
        return view
    }

    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (session, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        var request = request
        let form = try await FormFields.read(from: &request)
        var view = accountView(session, user, context)
        do {
            // Ends every session of the user, this one included; this browser continues on a brand-new session.
            try await accounts.changePassword(
                user, current: form["current_password"], new: form["password"], confirmation: form["password_confirmation"])
        } catch let problems as AccountProblems {
            view.currentPassword.error = problems[.currentPassword]
            view.password.error = problems[.password]
            view.passwordConfirmation.error = problems[.passwordConfirmation]
            return try await accountPage(view, session: session, user: user, request: request, context: context, status: .unprocessableContent)
        }
        var response = try await signIn(user, request: request, context: context, redirectTo: "/account")
        response.headers.append(HTTPField(name: .setCookie, value: services.flash.setting(.passwordChanged)))
        return response
    }

    @Sendable func endOtherSessions(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (session, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        try await accounts.endOtherSessions(of: user, keeping: session.idHash)
        return .redirect(to: "/account", flash: .otherSessionsEnded, cookie: services.flash)
    }

    // MARK: Helpers

    private func accountPage(
        _ view: AccountView, session: SessionRecord, user: User, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        var view = view
        let live = try await accounts.sessions(of: user)
        view.sessions = live.map { record in
            SessionRowView(
                device: DeviceName.from(userAgent: record.userAgent),
                address: record.clientAddress,
                lastSeen: renderer.dates.longWithTime(record.lastSeenAt),
                signedIn: renderer.dates.longWithTime(record.createdAt),
                isCurrent: record.idHash == session.idHash
            )
        }
        view.hasOtherSessions = live.contains { $0.idHash != session.idHash }
        return try renderer.render(view, with: accountTemplate, status: status).response(from: request, context: context)
    }

    /// Starts a fresh session for `user` (the browser's session from before ends) and sends the browser on with its cookie (and a notice for the next page).
    private func signIn(
        _ user: User, request: Request, context: AppRequestContext, redirectTo path: String, flash: Flash? = nil
    ) async throws -> Response {
        let id = try await accounts.startSession(
            for: user, replacing: context.session?.idHash, userAgent: request.headers[.userAgent] ?? "", clientAddress: context.clientAddress)
        var response = Response.redirect(to: path, type: .normal)
        response.headers.append(HTTPField(name: .setCookie, value: cookie.setting(id)))
        if let flash { response.headers.append(HTTPField(name: .setCookie, value: services.flash.setting(flash))) }
        return response
    }
}
