import Foundation

/// How the account list's search matches: part of the address or the name, ignoring case, as typed.
enum UserSearch {
    /// A `LIKE … ESCAPE '\\'` pattern for `text` anywhere, its wildcards taken literally.
    static func likePattern(_ text: String) -> String {
        let literal = text.precomposedStringWithCanonicalMapping.lowercased()
            .replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        return "%" + literal + "%"
    }
}
