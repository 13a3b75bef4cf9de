import Hummingbird
import LecternCore
import LecternStore

/// Who an API request speaks for, and what it may do: a token's holder (its scope, never above the account's role),
/// or a signed-in browser (everything the account may do; the CSRF header is checked by `CSRFMiddleware`).
struct APICaller: Sendable {
    var user: User
    var scope: TokenScope
    /// The token used, when one was.
    var token: AccessTokenRecord?

    /// The caller, or a 401 when there is none; a 403 when its scope is below `needed`.
    static func require(_ needed: TokenScope, in context: AppRequestContext) throws -> APICaller {
        guard let caller = context.caller else { throw APIProblem.signInNeeded }
        guard caller.scope >= needed else { throw APIProblem.insufficientScope(needed.rawValue) }
        return caller
    }
}

/// Finds the API caller: an `Authorization: Bearer` token when one is sent (a bad one is a 401, and the session is
/// then never used instead), else the signed-in session.
struct APIAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let tokens: AccessTokenStore
    /// Wrong tokens have an allowance per client network of their own, counted before the lookup (and given back when the
    /// token is right), so neither guessing nor lookups outrun it, however many arrive at once; a client's right tokens
    /// and anonymous calls never use it up.
    let counter: APIRequestCounter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let authorization = request.headers[.authorization] {
            let wrongTokens = APIRateLimitMiddleware.wrongTokensKey(context)
            let taken = counter.take(wrongTokens)
            guard taken.allowed else {
                throw APIRateLimitMiddleware.refusal(counter, reset: taken.reset, detail: "Too many requests with unknown tokens came from this network this minute")
            }
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer",
                let holder = try await tokens.holder(secret: parts[1].trimmingCharacters(in: .whitespaces))
            else { throw APIProblem.invalidToken }
            counter.refund(wrongTokens)
            context.caller = APICaller(user: holder.user, scope: holder.scope, token: holder.token)
        } else if let user = context.session?.user {
            context.caller = APICaller(user: user, scope: user.role == .admin ? .admin : .learn)
        }
        return try await next(request, context)
    }
}
