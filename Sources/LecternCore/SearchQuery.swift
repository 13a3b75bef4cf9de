/// A visitor's search text reduced to plain words, so that nothing they type can be read as FTS5 syntax.
public struct SearchQuery: Sendable, Equatable {
    public static let maxLength = 200
    public static let maxTerms = 12

    public enum Problem: Error, Sendable, Equatable {
        case empty
        case tooLong
    }

    /// Lowercased words made of letters and digits only.
    public let terms: [String]

    public init(_ text: String) throws(Problem) {
        guard text.count <= Self.maxLength else { throw .tooLong }
        var terms: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                terms.append(current)
                current = ""
            }
        }
        if !current.isEmpty { terms.append(current) }
        var unique: [String] = []
        for term in terms where !unique.contains(term) { unique.append(String(term.prefix(40))) }
        guard !unique.isEmpty else { throw .empty }
        self.terms = Array(unique.prefix(Self.maxTerms))
    }

    /// Every term must match, each as a prefix (`"dock"*` finds Docker); quoting makes operators plain words.
    public var ftsPattern: String {
        terms.map { "\"\($0)\"*" }.joined(separator: " ")
    }
}
