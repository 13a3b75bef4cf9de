import Hummingbird

/// `/healthz` for load balancers and probes: answers without touching the database.
struct HealthController: Sendable {
    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/healthz", use: health)
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(staticString: "ok"))
        )
    }
}
