import Foundation
import LecternCore

// The rules of the post stores that are not SQL, shared by the SQLite and PostgreSQL backends.

extension PostRecord.Status {
    /// A post's status from its row: removed before draft, draft before scheduled.
    init(isRemoved: Bool, isDraft: Bool, isScheduled: Bool) {
        self = isRemoved ? .removed : isDraft ? .draft : isScheduled ? .scheduled : .published
    }
}

/// The rules of a spelling suggestion, whatever the backend: which words get one, which words of the search
/// vocabulary are near enough, and in what order they are tried against published posts.
enum SearchSuggestion {
    /// Candidates tried, nearest first, before a word is left as typed.
    static let candidatesTried = 5

    /// Whether a query word may be replaced: a word (not a phrase) of three letters or more.
    static func word(of part: SearchQuery.Term) -> String? {
        guard case .prefix(let word) = part, word.count >= 3 else { return nil }
        return word
    }

    /// The vocabulary words worth reading for `word`: the same first letter, and a length at most the allowed
    /// distance away.
    static func window(for word: String) -> (initial: String, shortest: Int, longest: Int) {
        let limit = allowedDistance(for: word)
        return (String(word.prefix(1)), word.count - limit, word.count + limit)
    }

    /// The vocabulary words near enough to `word` (at most a third of its letters edited), nearest first, then the
    /// ones in most posts, then alphabetically; at most `candidatesTried` of them.
    static func candidates(for word: String, among vocabulary: [(term: String, documents: Int)]) -> [String] {
        let limit = allowedDistance(for: word)
        return vocabulary.compactMap { entry -> (term: String, distance: Int, documents: Int)? in
            let distance = EditDistance.between(word, entry.term)
            return distance <= limit ? (entry.term, distance, entry.documents) : nil
        }
        .sorted { ($0.distance, -$0.documents, $0.term) < ($1.distance, -$1.documents, $1.term) }
        .prefix(candidatesTried)
        .map(\.term)
    }

    private static func allowedDistance(for word: String) -> Int { max(1, word.count / 3) }
}
