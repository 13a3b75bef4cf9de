import Foundation

/// The rule for a person's name (on the site, in certificates, in mail to the person), shared by the web and the CLI.
public enum PersonName {
    public static let maximumLength = 100

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case empty
        case tooLong
        /// Controls, bidi overrides and isolates, line or paragraph separators, zero-width and other invisible
        /// characters: they can make a name read differently from what it is.
        case invisibleCharacters

        public var description: String {
            switch self {
            case .empty: "Enter your name as it should appear on your certificates."
            case .tooLong: "Use at most \(PersonName.maximumLength) characters."
            case .invisibleCharacters: "Use letters, spaces and punctuation only (no control or invisible formatting characters)."
            }
        }
    }

    /// The name trimmed and in NFC, or the reason it is refused.
    public static func clean(_ text: String) throws(Problem) -> String {
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
        guard !name.isEmpty else { throw .empty }
        guard name.unicodeScalars.count <= maximumLength else { throw .tooLong }
        guard !name.unicodeScalars.contains(where: isInvisible) else { throw .invisibleCharacters }
        return name
    }

    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        // Zero-width non-joiner and joiner are part of spelling in Persian, Indic scripts and emoji sequences.
        if scalar.value == 0x200C || scalar.value == 0x200D { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }
}
