import HTTPTypes
import Hummingbird

/// Takes the client's address from `X-Forwarded-For` when the connection comes from a trusted proxy; first in the
/// chain, so the request log, limits and sessions all see the client, not the proxy.
struct ForwardedClientMiddleware<Context: ClientAddressContext>: RouterMiddleware {
    let proxies: TrustedProxies

    static var header: HTTPField.Name { HTTPField.Name("X-Forwarded-For")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !proxies.isEmpty, let peer = context.remoteAddress?.ipAddress else { return try await next(request, context) }
        var context = context
        let client = proxies.client(peer: peer, forwardedFor: request.headers[values: Self.header])
        if client != peer { context.forwardedClient = client }
        return try await next(request, context)
    }
}
