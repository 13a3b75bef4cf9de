import Foundation
import Hummingbird

/// A JSON request body, read and checked against the contract's constraints. The server is written by hand against
/// `openapi.yaml`, so nothing else enforces them: the media type (415), the size (413), JSON itself (400), and an object
/// with only the named properties, each of its type, length and count (422, every wrong field listed at once). A body is
/// never read as a form.
struct APIRequestBody {
    /// Larger than any operation needs (a checkpoint's text is at most 20,000 characters).
    static let maxBytes = 256 * 1024

    private let object: [String: Any]
    private var read: Set<String> = []
    private var errors: [APIProblem.FieldProblem] = []

    private init(object: [String: Any]) {
        self.object = object
    }

    /// Reads the body; an empty body is an empty object (for operations whose properties are all optional).
    static func read(_ request: Request, context: AppRequestContext) async throws -> APIRequestBody {
        var request = request
        let buffer = try await request.collectBody(upTo: maxBytes)
        if buffer.readableBytes == 0 { return APIRequestBody(object: [:]) }
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json")) else {
            throw APIProblem(
                kind: .unsupportedMediaType, status: .unsupportedMediaType,
                detail: "Send the body as JSON, with `Content-Type: application/json`" + (mediaType.isEmpty ? "." : " (this was \(mediaType.prefix(60)))."))
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView), options: [])
        } catch {
            throw APIProblem(kind: .badRequest, status: .badRequest, detail: "The body is not well-formed JSON.")
        }
        guard let object = parsed as? [String: Any] else {
            throw APIProblem.invalidParameters([.init(name: "body", reason: "must be a JSON object")])
        }
        return APIRequestBody(object: object)
    }

    /// A string property of `minLength` to `maxLength` characters, each as `pattern` allows; nil when absent (an error
    /// when `required`). The contract's bounds are checked here, before anything is looked up, so a value the contract
    /// refuses is refused whatever state the site is in (an access code was once answered "already enrolled").
    mutating func string(_ name: String, required: Bool = false, minLength: Int = 0, maxLength: Int, pattern: TextPattern? = nil) -> String? {
        read.insert(name)
        guard let value = object[name], !(value is NSNull) else {
            if required { errors.append(.init(name: name, reason: "is required")) }
            return nil
        }
        guard let text = value as? String else {
            errors.append(.init(name: name, reason: "must be a string"))
            return nil
        }
        // JSON Schema's maxLength counts code points, not the grapheme clusters of Swift's `count`: the contract's limit.
        guard text.unicodeScalars.count <= maxLength else {
            errors.append(.init(name: name, reason: "must be at most \(maxLength) characters (it has \(text.unicodeScalars.count))"))
            return nil
        }
        guard text.unicodeScalars.count >= minLength else {
            errors.append(.init(name: name, reason: minLength == 1 ? "must not be empty" : "must be at least \(minLength) characters"))
            return nil
        }
        if let pattern, !pattern.admits(text) {
            errors.append(.init(name: name, reason: pattern.reason))
            return nil
        }
        return text
    }

    /// A whole number in `range`; nil when absent (an error when `required`).
    mutating func integer(_ name: String, required: Bool = false, in range: ClosedRange<Int>) -> Int? {
        read.insert(name)
        guard let value = object[name], !(value is NSNull) else {
            if required { errors.append(.init(name: name, reason: "is required")) }
            return nil
        }
        guard let number = value as? NSNumber, !Self.isBoolean(number), let whole = Int(exactly: number.doubleValue),
            Double(whole) == number.doubleValue
        else {
            errors.append(.init(name: name, reason: "must be a whole number"))
            return nil
        }
        guard range.contains(whole) else {
            errors.append(.init(name: name, reason: "must be between \(range.lowerBound) and \(range.upperBound), not \(whole)"))
            return nil
        }
        return whole
    }

    /// true or false; nil when absent (an error when `required`).
    mutating func boolean(_ name: String, required: Bool = false) -> Bool? {
        read.insert(name)
        guard let value = object[name], !(value is NSNull) else {
            if required { errors.append(.init(name: name, reason: "is required")) }
            return nil
        }
        guard let number = value as? NSNumber, Self.isBoolean(number) else {
            errors.append(.init(name: name, reason: "must be true or false"))
            return nil
        }
        return number.boolValue
    }

    /// An RFC 3339 date-time; nil when absent.
    mutating func dateTime(_ name: String) -> Date? {
        guard let text = string(name, maxLength: 40) else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: text) ?? fractional.date(from: text) else {
            errors.append(.init(name: name, reason: "must be an RFC 3339 date-time such as 2027-03-31T17:00:00Z"))
            return nil
        }
        return date
    }

    /// Whether the property was sent (null included), and its raw value: for properties of more than one type.
    mutating func raw(_ name: String) -> (sent: Bool, value: Any?) {
        read.insert(name)
        guard let value = object[name] else { return (false, nil) }
        return (true, value is NSNull ? nil : value)
    }

    /// Records a problem with a property read through `raw`.
    mutating func refuse(_ name: String, _ reason: String) {
        errors.append(.init(name: name, reason: reason))
    }

    /// An object whose values are arrays of strings (a knowledge check's answers: question id → chosen options or typed
    /// text), with at most `maxKeys` keys, `maxItems` strings each, of at most `maxLength` characters.
    mutating func stringLists(_ name: String, maxKeys: Int, maxItems: Int, maxLength: Int) -> [String: [String]]? {
        read.insert(name)
        guard let value = object[name], !(value is NSNull) else {
            errors.append(.init(name: name, reason: "is required"))
            return nil
        }
        guard let entries = value as? [String: Any] else {
            errors.append(.init(name: name, reason: "must be an object: question id → array of strings"))
            return nil
        }
        guard entries.count <= maxKeys else {
            errors.append(.init(name: name, reason: "must have at most \(maxKeys) properties"))
            return nil
        }
        var lists: [String: [String]] = [:]
        for (key, item) in entries.sorted(by: { $0.key < $1.key }) {
            guard let strings = item as? [Any], strings.count <= maxItems, let texts = strings as? [String], !(strings.contains { $0 is NSNumber }) else {
                errors.append(.init(name: "\(name).\(key.prefix(60))", reason: "must be an array of at most \(maxItems) strings"))
                continue
            }
            guard texts.allSatisfy({ $0.unicodeScalars.count <= maxLength }) else {
                errors.append(.init(name: "\(name).\(key.prefix(60))", reason: "must hold strings of at most \(maxLength) characters"))
                continue
            }
            lists[key] = texts
        }
        return lists
    }

    /// JSON's true and false arrive as NSNumbers, as numbers do; their type code tells them apart (on Linux and macOS).
    static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    /// Refuses properties the operation does not take, then every error found, in one 422.
    func finish() throws {
        var errors = self.errors
        for name in object.keys.sorted() where !read.contains(name) {
            errors.append(.init(name: String(name.prefix(60)), reason: "is not a property this operation takes"))
        }
        if !errors.isEmpty { throw APIProblem.invalidParameters(errors) }
    }
}
