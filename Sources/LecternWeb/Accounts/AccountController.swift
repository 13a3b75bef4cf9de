import Foundation
import Hummingbird
import LecternCore
import LecternStore
import Logging

/// Registration, login, logout and the account page (profile, password, sessions).
struct AccountController: Sendable {
    let services: AccountServices
    let throttle: LoginThrottle
    let registerTemplate: PageTemplate
    let loginTemplate: PageTemplate
    let accountTemplate: PageTemplate

    var users: UserStore { services.users }
    var sessions: SessionStore { services.sessions }
    var hasher: PasswordHasher { services.hasher }
    var cookie: SessionCookie { services.cookie }
    var renderer: PageRenderer { services.renderer }

    init(services: AccountServices, throttle: LoginThrottle) throws {
        self.services = services
        self.throttle = throttle
        self.registerTemplate = try services.renderer.template("register")
        self.loginTemplate = try services.renderer.template("login")
        self.accountTemplate = try services.renderer.template("account")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/register", use: registerForm)
        group.post("/register", use: register)
        group.get("/login", use: loginForm)
        group.post("/login", use: login)
        group.post("/logout", use: logout)
        group.get("/account", use: account)
        group.post("/account/profile", use: updateProfile)
        group.post("/account/password", use: changePassword)
        group.post("/account/sessions/end-others", use: endOtherSessions)
    }

    // MARK: Registration

    @Sendable func registerForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.session?.user != nil { return .redirect(to: "/account", type: .normal) }
        let (session, setCookie) = try await SessionGate.ensure(request, context: context, sessions: sessions, cookie: cookie)
        var view = RegisterView(site: renderer.site, meta: services.meta("Create your account", "/register", session), csrf: session.csrfToken)
        view.next = SafeRedirect.path(request.uri.queryParameters.get("next"), fallback: "")
        return try services.page(renderer.render(view, with: registerTemplate), setCookie: setCookie, request, context)
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await FormFields.read(from: &request)
        let session = try SessionGate.require(context)
        var view = RegisterView(site: renderer.site, meta: services.meta("Create your account", "/register", session), csrf: session.csrfToken)
        view.name.value = form["name"]
        view.email.value = form["email"]
        view.next = SafeRedirect.path(form["next"], fallback: "")

        let name = AccountRules.name(form["name"], error: &view.name.error)
        let email = AccountRules.email(form["email"], error: &view.email.error)
        let password = form["password"]
        AccountRules.newPassword(
            password, confirmation: form["password_confirmation"], error: &view.password.error, confirmationError: &view.passwordConfirmation.error)
        guard let name, let email, view.password.error == nil, view.passwordConfirmation.error == nil else {
            view.formError = "Please correct the fields marked below."
            return try renderer.render(view, with: registerTemplate, status: .unprocessableContent).response(from: request, context: context)
        }

        // Hash before looking the address up, so a taken address answers in the same time as a new one.
        let hash = try await hasher.hash(password)
        do {
            _ = try await users.create(email: email, name: name, passwordHash: hash)
            services.deliver(
                to: email.value, subject: "Welcome to \(renderer.site.name)",
                body: "Hello \(name),\n\nYour \(renderer.site.name) account is ready. Log in at \(renderer.baseURL)/login with this address.\n")
        } catch UserStore.Failure.emailTaken {
            services.deliver(
                to: email.value, subject: "Someone tried to register with your address",
                body:
                    "Hello,\n\nSomeone tried to create a \(renderer.site.name) account with this address, which already has one.\nIf it was you, log in at \(renderer.baseURL)/login, or choose a new password at \(renderer.baseURL)/password/forgot.\nIf it was not you, you can ignore this message: nothing has changed.\n"
            )
        }
        // The same answer either way: registration does not reveal which addresses have accounts.
        return .redirect(to: "/login?registered=1" + (view.next.isEmpty ? "" : "&next=\(SafeRedirect.queryValue(view.next))"), type: .normal)
    }

    // MARK: Login and logout

    @Sendable func loginForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let next = SafeRedirect.path(request.uri.queryParameters.get("next"))
        if context.session?.user != nil { return .redirect(to: next, type: .normal) }
        let (session, setCookie) = try await SessionGate.ensure(request, context: context, sessions: sessions, cookie: cookie)
        var view = LoginView(
            site: renderer.site, meta: services.meta("Log in", "/login", session), csrf: session.csrfToken, next: next, registerURL: "/register")
        if next != "/account" { view.registerURL = "/register?next=\(SafeRedirect.queryValue(next))" }
        if request.uri.queryParameters.get("registered") != nil {
            view.notice = "Thank you. If that address was new, your account is ready: log in with it. We have also sent a message to the address."
        } else if request.uri.queryParameters.get("reset") != nil {
            view.notice = "Your password has been changed and every device was signed out. Log in with the new password."
        }
        return try services.page(renderer.render(view, with: loginTemplate), setCookie: setCookie, request, context)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await FormFields.read(from: &request)
        let session = try SessionGate.require(context)
        let next = SafeRedirect.path(form["next"])
        var view = LoginView(
            site: renderer.site, meta: services.meta("Log in", "/login", session), csrf: session.csrfToken, next: next, registerURL: "/register")
        view.email.value = form["email"].trimmingCharacters(in: .whitespacesAndNewlines)
        let password = form["password"]

        guard let email = try? EmailAddress(form["email"]) else {
            view.email.error = "Enter the email address you registered with."
            return try renderer.render(view, with: loginTemplate, status: .unprocessableContent).response(from: request, context: context)
        }
        guard !password.isEmpty else {
            view.password.error = "Enter your password."
            return try renderer.render(view, with: loginTemplate, status: .unprocessableContent).response(from: request, context: context)
        }
        if let wait = await throttle.retryAfter(account: email.key, address: context.clientAddress) {
            let minutes = max(1, Int((wait / 60).rounded(.up)))
            view.formError = "Too many failed attempts. Wait \(minutes) minute\(minutes == 1 ? "" : "s") and try again, or reset your password."
            var response = try renderer.render(view, with: loginTemplate, status: .tooManyRequests).response(from: request, context: context)
            response.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            return response
        }

        let credentials = try await users.credentials(for: email)
        // Passwords longer than the policy allows cannot match; refuse them without spending a hash on them.
        let matches =
            password.unicodeScalars.count <= PasswordPolicy.maximumLength * 4
            ? try await hasher.verify(password, against: credentials?.passwordHash) : false
        guard matches, let credentials, !credentials.user.isDisabled else {
            await throttle.recordFailure(account: email.key, address: context.clientAddress)
            view.formError = "That email address and password do not match an account. Check both and try again."
            return try renderer.render(view, with: loginTemplate, status: .unprocessableContent).response(from: request, context: context)
        }
        await throttle.recordSuccess(account: email.key)
        if hasher.needsRehash(credentials.passwordHash) {
            let upgraded = try await hasher.hash(password)
            try await users.upgradeHash(userID: credentials.user.id, from: credentials.passwordHash, to: upgraded)
        }
        // A new id at login: the pre-login session dies, so an id planted before login is worthless after it.
        try await sessions.delete(idHash: session.idHash)
        return try await signIn(credentials.user, request: request, context: context, redirectTo: next)
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let session = context.session {
            do {
                try await sessions.delete(idHash: session.idHash)
            } catch let error as StorageUnavailableError {
                // Signing out of this browser must still work (a shared computer); the stored session expires on its own.
                context.logger.error("logout could not delete the session, clearing the cookie only: \(error)")
            }
        }
        var response = Response.redirect(to: "/", type: .normal)
        response.headers[.setCookie] = cookie.clearing
        return response
    }

    // MARK: The account page

    @Sendable func account(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (session, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        var view = AccountView(site: renderer.site, meta: services.meta("Your account", "/account", session), csrf: session.csrfToken)
        view.name.value = user.name
        view.email.value = user.email
        view.notice =
            switch request.uri.queryParameters.get("saved") {
            case "profile": "Your profile has been saved."
            case "password": "Your password has been changed. Your other devices have been signed out."
            case "sessions": "You have been signed out everywhere else."
            default: nil
            }
        return try await accountPage(view, session: session, user: user, request: request, context: context)
    }

    @Sendable func updateProfile(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (session, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        var request = request
        let form = try await FormFields.read(from: &request)
        var view = AccountView(site: renderer.site, meta: services.meta("Your account", "/account", session), csrf: session.csrfToken)
        view.name.value = form["name"]
        view.email.value = form["email"]
        let name = AccountRules.name(form["name"], error: &view.name.error)
        let email = AccountRules.email(form["email"], error: &view.email.error)
        if let name, let email {
            do {
                try await users.updateProfile(userID: user.id, name: name, email: email)
                return .redirect(to: "/account?saved=profile", type: .normal)
            } catch UserStore.Failure.emailTaken {
                view.email.error = "Another account uses this address."
            }
        }
        view.profileError = "Your profile was not saved. Please correct the fields marked below."
        return try await accountPage(view, session: session, user: user, request: request, context: context, status: .unprocessableContent)
    }

    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (session, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        var request = request
        let form = try await FormFields.read(from: &request)
        var view = AccountView(site: renderer.site, meta: services.meta("Your account", "/account", session), csrf: session.csrfToken)
        view.name.value = user.name
        view.email.value = user.email
        let password = form["password"]
        AccountRules.newPassword(
            password, confirmation: form["password_confirmation"], error: &view.password.error, confirmationError: &view.passwordConfirmation.error)
        let current = try await users.passwordHash(userID: user.id)
        if form["current_password"].isEmpty {
            view.currentPassword.error = "Enter your current password."
        } else if try await !hasher.verify(form["current_password"], against: current) {
            view.currentPassword.error = "That is not your current password."
        }
        guard view.currentPassword.error == nil, view.password.error == nil, view.passwordConfirmation.error == nil else {
            return try await accountPage(view, session: session, user: user, request: request, context: context, status: .unprocessableContent)
        }
        // Ends every session of the user, this one included; this browser continues on a brand-new session.
        try await users.setPassword(userID: user.id, passwordHash: try await hasher.hash(password))
        return try await signIn(user, request: request, context: context, redirectTo: "/account?saved=password")
    }

    @Sendable func endOtherSessions(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (session, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        try await sessions.deleteAll(userID: user.id, keeping: session.idHash)
        return .redirect(to: "/account?saved=sessions", type: .normal)
    }

    // MARK: Helpers

    private func accountPage(
        _ view: AccountView, session: SessionRecord, user: User, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        var view = view
        let live = try await sessions.sessions(userID: user.id)
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

    /// Starts a fresh session for `user` and sends the browser on with its cookie.
    private func signIn(_ user: User, request: Request, context: AppRequestContext, redirectTo path: String) async throws -> Response {
        let (id, _) = try await sessions.create(
            userID: user.id, userAgent: request.headers[.userAgent] ?? "", clientAddress: context.clientAddress)
        var response = Response.redirect(to: path, type: .normal)
        response.headers[.setCookie] = cookie.setting(id)
        return response
    }
}
