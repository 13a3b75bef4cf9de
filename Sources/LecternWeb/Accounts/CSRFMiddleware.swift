import HTTPTypes
import Hummingbird
import LecternCore

/// Refuses state-changing requests that did not come from this site's own forms: first by the browser's
/// `Sec-Fetch-Site` and `Origin` headers, then by the token every form carries in `_csrf` (the session's, or for a
/// visitor without a session the signed token bound to their form cookie: see `FormTokens`).
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let field = "_csrf"
    let baseURL: String
    let tokens: FormTokens

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard ![.get, .head, .options].contains(request.method) else { return try await next(request, context) }
        if APIPaths.isAPI(request.uri.path) { return try await checkAPI(request, context: context, next: next) }

        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site != "same-origin", site != "none" {
            throw Self.refusal("This request came from another website, so it was refused to protect your account.")
        }
        if let origin = request.headers[HTTPField.Name("Origin")!], !isOwnOrigin(origin, request: request) {
            throw Self.refusal("This request came from another website, so it was refused to protect your account.")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > FormFields.maxBytes {
            throw HTTPError(.contentTooLarge, message: "This form sent more than \(FormFields.maxBytesText). Shorten what you typed and try again.")
        }
        var request = request
        let fields = try await FormFields.read(from: &request)
        guard context.session != nil || request.cookies[tokens.cookieName] != nil else {
            throw Self.refusal("Your session has expired, or your browser is blocking cookies. Go back, reload the page and try again.")
        }
        guard tokens.isValid(fields[Self.field], request: request, context: context) else {
            throw Self.refusal("This form has expired or was not sent from this site. Go back, reload the page and try again.")
        }
        return try await next(request, context)
    }

    /// API requests carry JSON, never a form, so the body is left alone. A token in `Authorization` is not ambient (a
    /// page on another site cannot make a browser send it), so such a request has nothing to forge. A browser's
    /// session cookie is: it must come with the page's token in `X-CSRF-Token`, and not from another site.
    private func checkAPI(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.headers[.authorization] != nil { return try await next(request, context) }
        let crossSite =
            request.headers[HTTPField.Name("Sec-Fetch-Site")!].map { $0 != "same-origin" && $0 != "none" } ?? false
            || request.headers[HTTPField.Name("Origin")!].map { !isOwnOrigin($0, request: request) } ?? false
        if crossSite {
            throw APIProblem(kind: .crossSite, status: .forbidden, detail: "A request with this site's cookies came from another website, so it was refused.")
        }
        if let session = context.session {
            guard let sent = request.headers[HTTPField.Name("X-CSRF-Token")!], SecretToken.constantTimeEquals(sent, session.csrfToken) else {
                throw APIProblem(
                    kind: .missingCSRFToken, status: .forbidden,
                    detail: "A request signed in by cookie must send the page's CSRF token in the X-CSRF-Token header; programs should use an access token instead.")
            }
        }
        return try await next(request, context)
    }

    private func isOwnOrigin(_ origin: String, request: Request) -> Bool {
        Self.isOwnOrigin(origin, request: request, baseURL: baseURL)
    }

    /// The configured site, or the very host the request was sent to (the browser sets Host; another site cannot).
    static func isOwnOrigin(_ origin: String, request: Request, baseURL: String) -> Bool {
        if origin == baseURL { return true }
        guard let host = request.head.authority else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }

    static func refusal(_ message: String) -> HTTPError {
        HTTPError(.forbidden, message: message)
    }
}
