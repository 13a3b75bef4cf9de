import Hummingbird
import LecternStore
import Logging

/// `GET /metrics`: the registry in Prometheus text. On the site's own address, for an administrator's token only
/// (`Authorization: Bearer` of a token with the admin scope): route names, volumes and error rates are not for everyone.
/// On a listen address of its own (`LECTERN_METRICS_ADDRESS`, reachable by the scraper only), without a token.
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
        return Self.exposition()
    }

    /// The registry as Prometheus text.
    static func exposition() -> Response {
        _ = SiteMetrics.own  // listed from the first scrape, even before anything was counted
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: SiteMetrics.registry.emitToBuffer())))
    }

    /// The server of the metrics' own listen address: `/metrics` and nothing else.
    /// `serverLogger` is Hummingbird's (quiet unless debugging); `logger` says where the metrics are, once ready.
    static func server(_ address: ListenAddress, serverLogger: Logger, logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.get("/metrics") { _, _ in exposition() }
        return Application(
            router: router, configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                let host = channel.localAddress?.ipAddress.map { $0.contains(":") ? "[\($0)]" : $0 } ?? address.host
                logger.info("metrics are served on http://\(host):\(channel.localAddress?.port ?? address.port)/metrics")
            },
            logger: serverLogger)
    }

    private static func refusal(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message)))
    }
}
