import HTTPTypes
import Hummingbird
import LecternCore
import LecternStore

/// Who may open a live connection, and as whom: a browser only from this site's own pages (another site's page could
/// otherwise use the visitor's cookie: cross-site WebSocket hijacking), signed in by its session cookie; a program by
/// a personal access token in `Authorization: Bearer`; anyone else as a visitor.
struct LiveGate: Sendable {
    let baseURL: String
    let sessions: SessionStore
    let cookie: SessionCookie
    let tokens: AccessTokenStore
    /// The API's counter: wrong tokens sent here use up the same allowance as wrong tokens sent to the API.
    let counter: APIRequestCounter

    enum Refusal: Error, Equatable {
        case crossSite
        case invalidToken
        case tooManyWrongTokens
    }

    /// A request without `Origin` does not come from a browser page (browsers always send it on a WebSocket); one that
    /// sends it more than once must be this site's every time.
    func isOwnOrigin(_ request: Request) -> Bool {
        request.headers[values: HTTPField.Name("Origin")!].allSatisfy { CSRFMiddleware.isOwnOrigin($0, request: request, baseURL: baseURL) }
    }

    /// The account the connection speaks for; nil for a visitor.
    func user(for request: Request, network: String) async throws -> User? {
        guard isOwnOrigin(request) else { throw Refusal.crossSite }
        if let authorization = request.headers[.authorization] {
            do {
                let holder = try await APIAuthMiddleware.holder(authorization, network: network, tokens: tokens, counter: counter)
                var user = holder.user
                // A token speaks with its scope: an administrator's read or learn token follows what a learner may.
                if holder.scope < .admin { user.role = .learner }
                return user
            } catch .tooManyWrongTokens {
                throw Refusal.tooManyWrongTokens
            } catch .invalidToken {
                throw Refusal.invalidToken
            } catch .storage(let error) {
                throw error
            }
        }
        guard let id = cookie.value(in: request) else { return nil }
        return try await sessions.find(id: id)?.user
    }
}
