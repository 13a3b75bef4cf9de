import Foundation
import Hummingbird

/// The fields of an `application/x-www-form-urlencoded` body. Missing fields read as empty text.
/// Not Hummingbird's `URLEncodedFormDecoder`: a refused form is shown again with what was typed, so every field is
/// read as text whatever is missing or malformed (a `Decodable` type would fail as a whole), the first of repeated
/// fields wins (`all` gives every value, for checkboxes), and more than `maxBytes` gets a 413 page that says so.
struct FormFields: Sendable {
    /// The largest form: a checkpoint's 20,000 characters, percent-encoded, can take 240 KiB; nothing else comes close.
    static let maxBytes = 256 * 1024
    static var maxBytesText: String { "\(maxBytes / 1024) KiB" }
    static let maxFields = 256

    private var values: [String: [String]] = [:]

    init(_ body: String) {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true).prefix(Self.maxFields) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[name, default: []].append(value)
        }
    }

    subscript(_ name: String) -> String { values[name]?.first ?? "" }

    /// Every value sent under `name`, in order (the boxes ticked in a group of checkboxes).
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// The names sent, for forms whose fields are not known in advance (a quiz).
    var names: Dictionary<String, [String]>.Keys { values.keys }

    /// Reads the request's body (already buffered by `CSRFMiddleware` for unsafe methods), refusing more than `maxBytes` with a 413.
    static func read(from request: inout Request) async throws -> FormFields {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            throw HTTPError(.unsupportedMediaType, message: "This form must be sent by a browser as an ordinary HTML form.")
        }
        let buffer = try await request.collectBody(upTo: maxBytes)
        return FormFields(String(buffer: buffer))
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
