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
            let holder: TokenHolder
            do {
                holder = try await Self.holder(authorization, network: context.clientNetwork, tokens: tokens, counter: counter)
            } catch .tooManyWrongTokens(let reset) {
                throw APIRateLimitMiddleware.refusal(counter, reset: reset, detail: "Too many requests with unknown tokens came from this network this minute")
            } catch .invalidToken {
                throw APIProblem.invalidToken
            } catch .storage(let error) {
                throw error
            }
            context.caller = APICaller(user: holder.user, scope: holder.scope, token: holder.token)
        } else if let user = context.session?.user {
            context.caller = APICaller(user: user, scope: user.role == .admin ? .admin : .learn)
        }
        return try await next(request, context)
    }
}

/// Why an `Authorization` header names nobody.
enum BearerRefusal: Error {
    /// The network's allowance of wrong tokens is used up for `reset` more seconds.
    case tooManyWrongTokens(reset: Int)
    case invalidToken
    case storage(any Error)
}

extension APIAuthMiddleware {
    /// The holder of the `Bearer` token in `authorization`. The network's wrong-token allowance is taken before the
    /// lookup and given back when the token is right (the API and live connections share it).
    static func holder(_ authorization: String, network: String, tokens: AccessTokenStore, counter: APIRequestCounter) async throws(BearerRefusal)
        -> TokenHolder
    {
        let wrongTokens = "wrong-tokens:\(network)"
        let taken = counter.take(wrongTokens)
        guard taken.allowed else { throw .tooManyWrongTokens(reset: taken.reset) }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        let found: TokenHolder?
        do {
            found = parts.count == 2 && parts[0].lowercased() == "bearer" ? try await tokens.holder(secret: parts[1].trimmingCharacters(in: .whitespaces)) : nil
        } catch {
            throw .storage(error)
        }
        guard let found else { throw .invalidToken }
        counter.refund(wrongTokens)
        return found
    }
}
