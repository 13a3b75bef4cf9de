/// A visitor's search text reduced to plain words and quoted phrases, so that nothing they type can be read as FTS5
/// syntax. Every word matches the start of a word ("testin" finds "testing"); a quoted phrase matches those words in
/// that order, exactly.
public struct SearchQuery: Sendable, Equatable {
    public static let maxLength = 200
    public static let maxTerms = 12

    public enum Problem: Error, Sendable, Equatable {
        case empty
        case tooLong
    }

    /// One part of a query.
    public enum Term: Sendable, Equatable {
        /// A word that matches the start of a word.
        case prefix(String)
        /// Words in this order, each exactly.
        case phrase([String])
    }

    public let parts: [Term]

    /// A part as a visitor would type it again: a word, or a phrase in quotes.
    public func text(of part: Term) -> String {
        switch part {
        case .prefix(let word): word
        case .phrase(let words): "\"\(words.joined(separator: " "))\""
        }
    }

    /// The parts as text: each word, each phrase with its words joined by a space.
    public var terms: [String] {
        parts.map {
            switch $0 {
            case .prefix(let word): word
            case .phrase(let words): words.joined(separator: " ")
            }
        }
    }

    public init(_ text: String) throws(Problem) {
        guard text.count <= Self.maxLength else { throw .tooLong }
        var parts: [Term] = []
        var phrase: [String]?
        var current = ""
        func endWord() {
            guard !current.isEmpty else { return }
            let word = String(current.prefix(40))
            if phrase != nil { phrase?.append(word) } else { parts.append(.prefix(word)) }
            current = ""
        }
        func endPhrase() {
            if let words = phrase, !words.isEmpty { parts.append(.phrase(words)) }
            phrase = nil
        }
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else {
                endWord()
                // Straight and curly quotes both open and close a phrase (phones type curly ones).
                if character == "\"" || character == "“" || character == "”" {
                    if phrase == nil { phrase = [] } else { endPhrase() }
                }
            }
        }
        endWord()
        endPhrase()
        var unique: [Term] = []
        for part in parts where !unique.contains(part) { unique.append(part) }
        guard !unique.isEmpty else { throw .empty }
        self.parts = Array(unique.prefix(Self.maxTerms))
    }

    /// Every part must match: words as prefixes (`"dock"*` finds Docker), phrases exactly; quoting makes operators
    /// plain words.
    public var ftsPattern: String {
        parts.map {
            switch $0 {
            case .prefix(let word): "\"\(word)\"*"
            case .phrase(let words): "\"\(words.joined(separator: " "))\""
            }
        }.joined(separator: " ")
    }
}
