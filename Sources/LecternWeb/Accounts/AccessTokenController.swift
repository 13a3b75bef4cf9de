import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// `/account/tokens`: the signed-in person's personal access tokens. Making one shows its secret once, on the answer
/// to the form (never stored, never in a redirect or a cookie); each token shows its scope and last use, and can be
/// revoked.
struct AccessTokenController: Sendable {
    let services: AccountServices
    let renderer: PageRenderer
    let template: PageTemplate

    /// The lifetimes offered, in days (nil: no expiry), the first being the default.
    static let lifetimes: [(value: String, days: Int?, label: String)] = [
        ("90", 90, "In 90 days"), ("30", 30, "In 30 days"), ("365", 365, "In a year"), ("never", nil, "Never"),
    ]

    init(services: AccountServices, renderer: PageRenderer) throws {
        self.services = services
        self.renderer = renderer
        self.template = try renderer.template("tokens")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/account/tokens", use: list)
        group.post("/account/tokens", use: create)
        group.post("/account/tokens/:id/revoke", use: revoke)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (session, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        var view = try await page(session, user, context)
        view.notice = context.flash?.text
        return try renderer.render(view, with: template).response(from: request, context: context)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (session, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        var request = request
        let form = try await FormFields.read(from: &request)
        let scope = TokenScope(rawValue: form["scope"])
        let lifetime = Self.lifetimes.first { $0.value == form["expires"] } ?? Self.lifetimes[0]
        var problems = AccountProblems()
        var made: (token: AccessTokenRecord, secret: String)?
        do {
            // A token acts as the account for months: whoever makes one proves they know the password, not only the session.
            made = try await services.accounts.createToken(
                for: user, name: form["name"], scope: scope, expiresAt: lifetime.days.map { Date().addingTimeInterval(Double($0) * 86_400) },
                currentPassword: form["current_password"])
        } catch let found as AccountProblems {
            problems = found
        } catch AccessTokenError.tooMany {
            problems[.tokenName] = "You have \(AccessToken.maxActivePerAccount) active tokens: revoke one you no longer use first."
        }
        // After a token is made the form starts afresh; after a refusal it keeps what was chosen.
        var view = try await page(session, user, context, scope: made == nil ? scope ?? .read : .read, lifetime: made == nil ? lifetime.value : "90")
        guard let made else {
            view.name = FieldView(value: form["name"], error: problems[.tokenName])
            view.scopeError = problems[.tokenScope]
            view.password = FieldView(value: "", error: problems[.currentPassword])
            view.formError = "The token was not made. Please correct the fields marked below."
            return try renderer.render(view, with: template, status: .unprocessableContent).response(from: request, context: context)
        }
        view.created = CreatedTokenView(name: made.token.name, scope: made.token.scope.rawValue, secret: made.secret)
        var response = try renderer.render(view, with: template, status: .created).response(from: request, context: context)
        // The secret is on this page only: no cache, no back-button copy.
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (_, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw AccountRefusal.noSuchToken }
        try await services.accounts.revokeToken(id, of: user)
        return .redirect(to: "/account/tokens", flash: .tokenRevoked, cookie: services.flash)
    }

    private func page(
        _ session: SessionRecord, _ user: User, _ context: AppRequestContext, scope: TokenScope = .read, lifetime: String = "90"
    ) async throws -> TokensPageView {
        let now = Date()
        let dates = renderer.dates
        let rows = try await services.accounts.tokens(of: user).map { token in
            TokenRowView(
                id: Int(token.id), name: token.name, hint: token.hint, scope: token.scope.rawValue, state: token.state(at: now),
                isActive: token.isActive(at: now), created: dates.long(token.createdAt),
                lastUsed: token.lastUsedAt.map(dates.longWithTime) ?? "never used",
                expires: token.expiresAt.map { ($0 > now ? "expires " : "expired ") + dates.long($0) } ?? "no expiry date")
        }
        let scopes = TokenScope.allCases.filter { $0 != .admin || user.role == .admin }.map {
            ScopeOptionView(value: $0.rawValue, label: $0.summary, checked: $0 == scope)
        }
        let lifetimes = Self.lifetimes.map { LifetimeOptionView(value: $0.value, label: $0.label, selected: $0.value == lifetime) }
        return TokensPageView(
            site: renderer.site, meta: services.meta("Access tokens", "/account/tokens", context), csrf: session.csrfToken, tokens: rows,
            hasTokens: !rows.isEmpty, scopes: scopes, lifetimes: lifetimes)
    }
}
