import Foundation
import Yams

/// The YAML header of a content file, read as plain values so that dates, booleans and numbers are
/// interpreted by our rules rather than YAML 1.1's (where `no` is false and `2026-01-02` a timestamp).
public struct FrontMatter: Sendable {
    public indirect enum Value: Sendable, Equatable {
        case scalar(String)
        case list([Value])
        case map([String: Value])
    }

    public private(set) var fields: [String: Value]
    /// The Markdown after the closing `---`.
    public private(set) var body: String
    /// 1-based line of the file where the body starts, for messages.
    public private(set) var bodyLine: Int
    /// Fields from which control, invisible-formatting or non-characters were removed, with the first one found.
    public private(set) var strippedFields: [(key: String, character: Unicode.Scalar)] = []

    /// Splits `text` into front matter and body. Throws a one-line reason on a missing or invalid header.
    public init(parsing text: String) throws(FrontMatterError) {
        var text = text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.contains("\r\n") { text = text.replacingOccurrences(of: "\r\n", with: "\n") }
        guard text.hasPrefix("---\n") else {
            throw FrontMatterError("no front matter: the file must start with a line '---', then YAML fields, then a closing '---'")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let closing = lines.indices.dropFirst().first(where: { lines[$0] == "---" || lines[$0] == "..." }) else {
            throw FrontMatterError("front matter is not closed: add a line '---' after the YAML fields")
        }
        let yaml = lines[1..<closing].joined(separator: "\n")
        self.body = lines[(closing + 1)...].joined(separator: "\n")
        self.bodyLine = closing + 2

        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw FrontMatterError("invalid YAML in front matter: \(Self.describe(error))")
        }
        guard let node else {
            self.fields = [:]
            return
        }
        guard case .map(let fields) = try Self.value(of: node) else {
            throw FrontMatterError("front matter must be a list of 'key: value' fields")
        }
        var cleaned: [String: Value] = [:]
        for (key, value) in fields {
            var first: Unicode.Scalar?
            cleaned[key] = Self.clean(value, removed: &first)
            if let first { strippedFields.append((key, first)) }
        }
        strippedFields.sort { $0.key < $1.key }
        self.fields = cleaned
    }

    /// Removes what must never reach a page: C0 and C1 controls (tab and newline stay), bidi and other invisible
    /// formatting (zero-width joiners stay: spelling needs them), private-use characters and non-characters.
    private static func clean(_ value: Value, removed first: inout Unicode.Scalar?) -> Value {
        switch value {
        case .scalar(let text):
            guard text.unicodeScalars.contains(where: isRemoved) else { return value }
            var kept = String.UnicodeScalarView()
            for scalar in text.unicodeScalars {
                if isRemoved(scalar) {
                    if first == nil { first = scalar }
                } else {
                    kept.append(scalar)
                }
            }
            return .scalar(String(kept))
        case .list(let items): return .list(items.map { clean($0, removed: &first) })
        case .map(let map): return .map(map.mapValues { clean($0, removed: &first) })
        }
    }

    static func isRemoved(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\n" || scalar.value == 0x200C || scalar.value == 0x200D { return false }
        if scalar.properties.isNoncharacterCodePoint { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .privateUse, .surrogate, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    private static func value(of node: Node) throws(FrontMatterError) -> Value {
        switch node {
        case .scalar(let scalar):
            return .scalar(scalar.string)
        case .sequence(let sequence):
            var items: [Value] = []
            for item in sequence { items.append(try value(of: item)) }
            return .list(items)
        case .mapping(let mapping):
            var map: [String: Value] = [:]
            for (key, value) in mapping {
                guard let name = key.string else { throw FrontMatterError("front matter keys must be plain words") }
                if map[name] != nil { throw FrontMatterError("the field '\(name)' appears twice") }
                map[name] = try self.value(of: value)
            }
            return .map(map)
        case .alias:
            throw FrontMatterError("YAML aliases are not supported in front matter")
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let yamlError = error as? YamlError {
            switch yamlError {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                .composer(let context, let problem, let mark, _):
                // The YAML starts on the file's second line.
                let where_ = "line \(mark.line + 1), column \(mark.column)"
                if let context { return "\(context.text) \(problem) at \(where_)" }
                return "\(problem) at \(where_)"
            default:
                break
            }
        }
        return String(describing: error).split(separator: "\n").first.map(String.init) ?? "unreadable"
    }

    // MARK: Typed access

    /// Keys present that are not in `known`, for warnings about typos.
    public func unknownKeys(known: Set<String>) -> [String] {
        fields.keys.filter { !known.contains($0) }.sorted()
    }

    /// What an editor should be told about this header: unknown fields, and characters removed from fields.
    public func warnings(known: Set<String>) -> [String] {
        unknownKeys(known: known).map { "unknown field '\($0)' is ignored" }
            + strippedFields.map { field in
                let code = String(field.character.value, radix: 16, uppercase: true)
                return "'\(field.key)' contained control or invisible characters (U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code)); they were removed"
            }
    }

    /// A required single-line text field.
    public func requiredText(_ key: String) throws(FrontMatterError) -> String {
        guard let text = try optionalText(key) else { throw FrontMatterError("missing required field '\(key)'") }
        return text
    }

    /// An optional text field; an empty value counts as absent.
    public func optionalText(_ key: String) throws(FrontMatterError) -> String? {
        switch fields[key] {
        case nil: return nil
        case .scalar(let text):
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        case .list, .map: throw FrontMatterError("'\(key)' must be text, not a list")
        }
    }

    /// A list of texts; a single comma-separated text is accepted too (`tags: flask, docker`).
    public func textList(_ key: String) throws(FrontMatterError) -> [String] {
        switch fields[key] {
        case nil: return []
        case .scalar(let text):
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .list(let items):
            var texts: [String] = []
            for item in items {
                guard case .scalar(let text) = item else { throw FrontMatterError("every item of '\(key)' must be text") }
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty { texts.append(trimmed) }
            }
            return texts
        case .map: throw FrontMatterError("'\(key)' must be a list")
        }
    }

    /// `true`/`false` (also yes/no); absent is `defaultValue`.
    public func bool(_ key: String, default defaultValue: Bool = false) throws(FrontMatterError) -> Bool {
        guard let text = try optionalText(key) else { return defaultValue }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw FrontMatterError("'\(key)' must be true or false, not '\(text)'")
        }
    }

    /// A non-negative whole number, or nil when absent.
    public func optionalCount(_ key: String) throws(FrontMatterError) -> Int? {
        guard let text = try optionalText(key) else { return nil }
        guard let number = Int(text), number >= 0 else { throw FrontMatterError("'\(key)' must be a whole number of 0 or more, not '\(text)'") }
        return number
    }

    /// A date `YYYY-MM-DD` (midnight UTC) or a date-time `YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]` (UTC when no offset).
    /// `timeZone`: how to read a date and time written without an offset (the site's zone for a post's date).
    public func requiredDate(_ key: String, timeZone: TimeZone = ContentDate.utc) throws(FrontMatterError) -> Date {
        guard let date = try optionalDate(key, timeZone: timeZone) else { throw FrontMatterError("missing required field '\(key)'") }
        return date
    }

    public func optionalDate(_ key: String, timeZone: TimeZone = ContentDate.utc) throws(FrontMatterError) -> Date? {
        guard let text = try optionalText(key) else { return nil }
        guard let date = ContentDate.parse(text, timeZone: timeZone) else {
            throw FrontMatterError("'\(key)' is not a valid date: '\(text)' (use YYYY-MM-DD, e.g. 2026-03-14, or 2026-03-14T09:30:00Z)")
        }
        return date
    }
}

/// Why a front matter could not be read; the message is meant for the editor who wrote the file.
public struct FrontMatterError: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Parses the date forms allowed in front matter, rejecting impossible calendar dates such as 2026-02-30.
public enum ContentDate {
    /// `2026-02-03`: the day `date` falls on in `timeZone`, as front matter writes it.
    public static func day(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }

    public static let utc = TimeZone(identifier: "UTC")!

    /// A date, a date and time, or either with an offset (`Z`, `+01:00`); without an offset it is read in `timeZone`.
    public static func parse(_ text: String, timeZone: TimeZone = utc) -> Date? {
        let scalars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= scalars.count else { return nil }
            var value = 0
            for i in range {
                let byte = scalars[i]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard scalars.count >= 10, scalars[4] == UInt8(ascii: "-"), scalars[7] == UInt8(ascii: "-"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1970...9999).contains(year), (1...12).contains(month), day >= 1
        else { return nil }
        var components = DateComponents(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        var offsetSeconds = 0
        var explicitOffset = false
        if scalars.count > 10 {
            guard scalars[10] == UInt8(ascii: "T") || scalars[10] == UInt8(ascii: " "),
                let hour = number(11..<13), scalars.count > 13, scalars[13] == UInt8(ascii: ":"), let minute = number(14..<16),
                hour < 24, minute < 60
            else { return nil }
            components.hour = hour
            components.minute = minute
            var index = 16
            if index < scalars.count, scalars[index] == UInt8(ascii: ":") {
                guard let second = number(17..<19), second < 60 else { return nil }
                components.second = second
                index = 19
            }
            if index < scalars.count {
                explicitOffset = true
                let sign = scalars[index]
                if sign == UInt8(ascii: "Z"), index == scalars.count - 1 {
                    // UTC
                } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), scalars.count == index + 6,
                    let oh = number(index + 1..<index + 3), scalars[index + 3] == UInt8(ascii: ":"), let om = number(index + 4..<index + 6),
                    oh < 24, om < 60
                {
                    offsetSeconds = (oh * 3600 + om * 60) * (sign == UInt8(ascii: "+") ? 1 : -1)
                } else {
                    return nil
                }
            }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = explicitOffset ? utc : timeZone
        guard let date = calendar.date(from: components) else { return nil }
        // Calendar rolls 2026-02-30 over to March; refuse dates that do not round-trip.
        let check = calendar.dateComponents([.year, .month, .day], from: date)
        guard check.year == year, check.month == month, check.day == day else { return nil }
        return date.addingTimeInterval(TimeInterval(-offsetSeconds))
    }
}
