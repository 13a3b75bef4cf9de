import Foundation
import HTTPTypes
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// `/notifications`: the signed-in person's inbox. Following a notice marks it read and leads to its page; one form
/// marks them all read. Works without any script.
struct NotificationController: Sendable {
    let notifications: Notifications
    let renderer: PageRenderer
    let flash: FlashCookie
    let template: PageTemplate

    init(notifications: Notifications, renderer: PageRenderer, flash: FlashCookie) throws {
        self.notifications = notifications
        self.renderer = renderer
        self.flash = flash
        self.template = try renderer.template("notifications")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/notifications", use: list)
        group.get("/notifications/:id", use: open)
        group.post("/notifications/read", use: markAllRead)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (session, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        let items = try await notifications.inbox(of: user)
        let rows = items.map { item in
            NotificationRowView(
                id: Int(item.id), text: item.sentence, unread: item.readAt == nil, when: renderer.dates.longWithTime(item.createdAt),
                iso: DateText.rfc3339(item.createdAt))
        }
        let view = NotificationsPageView(
            site: renderer.site,
            meta: renderer.meta(
                title: "Notifications", description: "Your notifications at \(renderer.site.name).", path: "/notifications", section: "notifications",
                noindex: true, session: session),
            // The count, not the rows shown: unread notices older than the newest 50 are cleared by the button too.
            csrf: session.csrfToken, notice: context.flash?.text, items: rows, hasItems: !rows.isEmpty,
            hasUnread: session.unreadNotifications > 0 || rows.contains(where: \.unread))
        var response = try renderer.render(view, with: template).response(from: request, context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Marks the notice read and leads to what it is about.
    @Sendable func open(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (_, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw AccountRefusal.noSuchNotice }
        // A link or image on another site must not mark notices read: from there, this only leads to the inbox.
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site != "same-origin", site != "none" {
            return .redirect(to: "/notifications", type: .normal)
        }
        return .redirect(to: try await notifications.open(id, for: user), type: .normal)
    }

    @Sendable func markAllRead(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (_, user) = SessionGate.signedIn(context) else { return SessionGate.loginRedirect(for: request) }
        try await notifications.markAllRead(of: user)
        return .redirect(to: "/notifications", flash: .notificationsRead, cookie: flash)
    }
}
