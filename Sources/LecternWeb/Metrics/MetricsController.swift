import Hummingbird
import LecternStore

/// `GET /metrics`: the registry in Prometheus text, for an administrator's token only (`Authorization: Bearer` of
/// a token with the admin scope): route names, volumes and error rates are not for everyone.
struct MetricsController: Sendable {
    let tokens: any AccessTokenStore
    let counter: APIRequestCounter

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/metrics", use: metrics)
    }

    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let authorization = request.headers[.authorization] else {
            return Self.refusal(.unauthorized, "/metrics needs an administrator's token: Authorization: Bearer lct_…")
        }
        let holder: TokenHolder
        do {
            holder = try await APIAuthMiddleware.holder(authorization, network: context.clientNetwork, tokens: tokens, counter: counter)
        } catch {
            switch error {
            case .tooManyWrongTokens(let reset):
                var response = Self.refusal(.tooManyRequests, "too many wrong tokens from this network; try again in \(reset) s")
                response.headers[.retryAfter] = String(reset)
                return response
            case .invalidToken: return Self.refusal(.unauthorized, "the token is unknown, revoked or expired")
            case .storage(let cause): throw cause
            }
        }
        guard holder.scope == .admin, holder.user.role == .admin else {
            return Self.refusal(.forbidden, "/metrics is for administrators' tokens with the admin scope")
        }
        _ = SiteMetrics.own  // listed from the first scrape, even before anything was counted
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: SiteMetrics.registry.emitToBuffer())))
    }

    private static func refusal(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message)))
    }
}
