import HTTPTypes
import Hummingbird

/// Headers every response carries: a strict Content-Security-Policy (no inline code anywhere on the site),
/// no MIME sniffing, a conservative referrer policy and no powerful browser features. A `Location` that a browser
/// would read as another host (`//host`, `/\host`) is never sent, whoever built it.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Strict-Transport-Security, only when the site is served over HTTPS.
    var hsts = false

    static var contentSecurityPolicy: String {
        "default-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if let location = response.headers[.location], let safe = Self.sameSiteLocation(location) { response.headers[.location] = safe }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "strict-origin-when-cross-origin"
        response.headers[.permissionsPolicy] = "camera=(), microphone=(), geolocation=(), payment=(), interest-cohort=()"
        response.headers[.xFrameOptions] = "DENY"
        if hsts { response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains" }
        return response
    }
}

extension SecurityHeadersMiddleware {
    /// The path with its leading slashes and backslashes folded into one slash, when `location` starts with two of
    /// them; nil when it is fine as it is.
    static func sameSiteLocation(_ location: String) -> String? {
        guard location.hasPrefix("/") else { return nil }
        let rest = location.drop { $0 == "/" || $0 == "\\" }
        guard location.count - rest.count > 1 else { return nil }
        return "/" + rest
    }
}

extension HTTPField.Name {
    static var xContentTypeOptions: Self { .init("X-Content-Type-Options")! }
    static var referrerPolicy: Self { .init("Referrer-Policy")! }
    static var permissionsPolicy: Self { .init("Permissions-Policy")! }
    static var xFrameOptions: Self { .init("X-Frame-Options")! }
    static var strictTransportSecurity: Self { .init("Strict-Transport-Security")! }
}
