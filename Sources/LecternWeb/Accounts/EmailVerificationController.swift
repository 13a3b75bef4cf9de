import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// The link that verifies an address, and the banner's "send it again".
struct EmailVerificationController: Sendable {
    let services: AccountServices
    let template: PageTemplate

    var accounts: Accounts { services.accounts }
    var renderer: PageRenderer { services.renderer }

    init(services: AccountServices) throws {
        self.services = services
        self.template = try services.renderer.template("verify-email")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/account/verify/:token", use: form)
        group.post("/account/verify/:token", use: verify)
        group.post("/account/verify-again", use: resend)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let (csrf, setCookie) = services.formTokens.issue(request, context: context)
        let address = try await accounts.pendingVerification(token: token)
        let view = VerifyEmailView(
            site: renderer.site, meta: services.meta("Confirm your address", "/account", context), csrf: csrf, token: token, valid: address != nil,
            email: address ?? "")
        return try services.linkPage(view, with: template, valid: address != nil, setCookie: setCookie, request, context)
    }

    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        guard let user = try await accounts.verify(token: token) else {
            let view = VerifyEmailView(
                site: renderer.site, meta: services.meta("Confirm your address", "/account", context),
                csrf: services.formTokens.current(request, context: context), token: token, valid: false, email: "")
            return try renderer.render(view, with: template, status: .notFound).response(from: request, context: context)
        }
        let signedInAsOwner = context.session?.user?.id == user.id
        return .redirect(to: signedInAsOwner ? "/dashboard" : "/login", flash: .emailVerified, cookie: services.flash)
    }

    @Sendable func resend(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (_, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        guard !user.isEmailVerified else { return .redirect(to: "/account", flash: .emailVerified, cookie: services.flash) }
        try await accounts.askForVerificationAgain(user)
        await services.sendVerification(to: user, from: context)
        return .redirect(to: "/account", flash: .verificationSent, cookie: services.flash)
    }
}
