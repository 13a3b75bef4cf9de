import Foundation

/// An email address in its one stored form, and the key it is compared by.
///
/// The rule, everywhere an address is stored or compared (web, CLI, import): surrounding white space is trimmed,
/// the whole address is put in Unicode NFC (so an NFD `josé@…` and an NFC `josé@…` are one address), and the
/// domain is lowercased. The key also lowercases the local part, so `Maya@Example.com` and `maya@example.com` are
/// one account; the local part keeps the case it was typed with for mail.
public struct EmailAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    public static let maximumLength = 254

    public let value: String
    public var key: String { Self.key(value) }
    public var description: String { value }

    public enum Problem: Error, Sendable, Equatable {
        case empty
        case invalid
        case tooLong
    }

    public init(_ text: String) throws(Problem) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
        guard !trimmed.isEmpty else { throw .empty }
        guard trimmed.unicodeScalars.count <= Self.maximumLength else { throw .tooLong }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last, !local.isEmpty, local.count <= 64,
            domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains(".."),
            !trimmed.unicodeScalars.contains(where: Self.isRefused)
        else { throw .invalid }
        self.value = "\(local)@\(domain.lowercased())"
    }

    /// The comparison key of any stored or typed address, by the rule above.
    public static func key(_ address: String) -> String {
        address.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping.lowercased()
    }

    /// White space, controls, invisible formatting (bidi, zero-width) and the characters RFC 5322 reserves.
    private static func isRefused(_ scalar: Unicode.Scalar) -> Bool {
        if "<>()[],;:\\\"".unicodeScalars.contains(scalar) { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator, .surrogate, .privateUse, .unassigned: return true
        default: return scalar.properties.isWhitespace
        }
    }
}
