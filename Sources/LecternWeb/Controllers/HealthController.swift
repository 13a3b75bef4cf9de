import Hummingbird
import LecternStore

/// `/healthz` (the process answers: for restarts, without touching the database) and `/readyz` (the database can be
/// read and holds every migration this binary knows: for a load balancer choosing where to send requests).
struct HealthController: Sendable {
    let database: any SiteDatabase

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/healthz", use: health)
        group.get("/readyz", use: ready)
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) -> Response {
        Self.text(.ok, "ok")
    }

    @Sendable func ready(_ request: Request, context: AppRequestContext) async -> Response {
        do {
            let pending = try await database.migrationStatus().pending
            guard pending.isEmpty else {
                return Self.text(.serviceUnavailable, "not ready: \(pending.count) migration\(pending.count == 1 ? "" : "s") pending (run `lectern db migrate`)")
            }
            return Self.text(.ok, "ready")
        } catch {
            context.logger.warning("/readyz: the database cannot be read: \(error)")
            return Self.text(.serviceUnavailable, "not ready: the database cannot be read")
        }
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"]
        if status == .serviceUnavailable { headers[.retryAfter] = "5" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
