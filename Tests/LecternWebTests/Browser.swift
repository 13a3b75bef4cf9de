import Foundation
import Hummingbird
import HummingbirdTesting
import LecternStore
import LecternTestSupport
import Testing

/// A minimal browser for tests: keeps its cookies (session, form, device, flash) and fills forms with their CSRF token.
struct Browser {
    /// Cookie values by name.
    var jar: [String: String] = [:]
    /// The session cookie (`name=value`), or nil when signed out. Setting it replaces the session cookie only.
    var cookie: String? {
        get { jar.first { $0.key.hasSuffix("lectern_session") }.map { "\($0.key)=\($0.value)" } }
        set {
            for name in jar.keys where name.hasSuffix("lectern_session") { jar[name] = nil }
            if let newValue, let equals = newValue.firstIndex(of: "=") {
                jar[String(newValue[..<equals])] = String(newValue[newValue.index(after: equals)...])
            }
        }
    }
    var userAgent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"
    /// Sent with every request (a proxy's `X-Forwarded-For`, say).
    var extraHeaders: HTTPFields = [:]

    init(cookie: String? = nil) {
        self.cookie = cookie
    }

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
        // Registering signs in: a browser still signed in logs out first, as a person would, then logs in.
        if cookie != nil {
            let page = try await get(client, "/")
            if page.body.contains("action=\"/logout\"") { _ = try await post(client, "/logout", [("_csrf", page.csrf ?? "")]) }
        }
        return try await submit(client, form: "/login", to: "/login", [("email", email), ("password", password), ("next", next)])
    }

    /// Follows the newest address-verification link mailed to `email` (read from the site's outbox), as its owner would.
    mutating func verifyEmail(_ client: some TestClientProtocol, site: TestSite, email: String) async throws -> Page {
        let outbox = try await site.openDatabase().outbox
        let message = try #require(try await outbox.messages().first { $0.recipient == email && $0.subject.hasPrefix("Confirm your address") })
        let link = try #require(message.body.split(separator: "\n").first { $0.contains("/account/verify/") })
        let path = String(link[link.range(of: "/account/verify/")!.lowerBound...]).trimmingCharacters(in: .whitespaces)
        return try await submit(client, form: path, to: path, [])
    }

    private mutating func send(
        _ client: some TestClientProtocol, _ uri: String, method: HTTPRequest.Method, headers extra: HTTPFields, body: ByteBuffer?
    ) async throws -> Page {
        var headers = extra
        headers.append(contentsOf: extraHeaders)
        if headers[.cookie] == nil, !jar.isEmpty { headers[.cookie] = jar.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        headers[.userAgent] = userAgent
        let page = try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
        for setCookie in page.headers[values: .setCookie] {
            let pair = setCookie.prefix { $0 != ";" }
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals])
            jar[name] = setCookie.contains("Max-Age=0") ? nil : String(pair[pair.index(after: equals)...])
        }
        return page
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }
}
