import Foundation
import Hummingbird
import HummingbirdTesting

/// A minimal browser for tests: keeps the session cookie and fills forms with their CSRF token.
struct Browser {
    var cookie: String?
    var userAgent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"

    struct Page {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String

        var location: String? { headers[.location] }
        /// The `_csrf` value of the first form on the page.
        var csrf: String? {
            guard let range = body.range(of: "name=\"_csrf\" value=\"") else { return nil }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    mutating func get(_ client: some TestClientProtocol, _ uri: String, headers extra: HTTPFields = [:]) async throws -> Page {
        try await send(client, uri, method: .get, headers: extra, body: nil)
    }

    /// POSTs `fields` as an HTML form would; `csrf` defaults to the token of the current session's form.
    mutating func post(
        _ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)], headers extra: HTTPFields = [:]
    ) async throws -> Page {
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var headers = extra
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await send(client, uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// Opens the page at `formURI`, then posts `fields` plus its CSRF token to `action`.
    mutating func submit(_ client: some TestClientProtocol, form formURI: String, to action: String, _ fields: [(String, String)]) async throws
        -> Page
    {
        let form = try await get(client, formURI)
        return try await post(client, action, [("_csrf", form.csrf ?? "")] + fields)
    }

    mutating func register(
        _ client: some TestClientProtocol, name: String = "Ada Lovelace", email: String, password: String = "correct horse battery"
    ) async throws -> Page {
        try await submit(
            client, form: "/register", to: "/register",
            [("name", name), ("email", email), ("password", password), ("password_confirmation", password)])
    }

    mutating func login(_ client: some TestClientProtocol, email: String, password: String = "correct horse battery", next: String = "") async throws
        -> Page
    {
        try await submit(client, form: "/login", to: "/login", [("email", email), ("password", password), ("next", next)])
    }

    private mutating func send(
        _ client: some TestClientProtocol, _ uri: String, method: HTTPRequest.Method, headers extra: HTTPFields, body: ByteBuffer?
    ) async throws -> Page {
        var headers = extra
        if let cookie { headers[.cookie] = cookie }
        headers[.userAgent] = userAgent
        let page = try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
        if let setCookie = page.headers[.setCookie] {
            let pair = String(setCookie.prefix { $0 != ";" })
            cookie = setCookie.contains("Max-Age=0") ? nil : pair
        }
        return page
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }
}
