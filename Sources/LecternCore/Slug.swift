import Foundation

/// URL-safe identifiers for posts, courses, categories and tags: lowercase ASCII letters, digits and single hyphens.
public enum Slug {
    /// Whether `text` is already a valid slug (what a URL path segment may hold).
    public static func isValid(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 120 else { return false }
        var previousWasHyphen = true  // a leading hyphen is invalid
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                previousWasHyphen = false
            case UInt8(ascii: "-"):
                if previousWasHyphen { return false }
                previousWasHyphen = true
            default:
                return false
            }
        }
        return !previousWasHyphen
    }

    /// A slug made from free text: accents folded, everything else that is not a letter or digit becomes one hyphen.
    /// Returns an empty string when nothing usable remains.
    public static func make(from text: String) -> String {
        // ASCII needs no folding (the loop lowers its capitals), and most names are ASCII: every tag of every post
        // shown is slugged, so this is on the page path.
        let folded =
            text.utf8.allSatisfy { $0 < 0x80 }
            ? text : text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        var out = ""
        var pendingHyphen = false
        for scalar in folded.unicodeScalars {
            let isAlnum = (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9")
            if isAlnum {
                if pendingHyphen && !out.isEmpty { out.append("-") }
                pendingHyphen = false
                out.unicodeScalars.append(scalar)
            } else if scalar >= "A" && scalar <= "Z" {
                if pendingHyphen && !out.isEmpty { out.append("-") }
                pendingHyphen = false
                out.unicodeScalars.append(Unicode.Scalar(scalar.value + 32)!)
            } else {
                pendingHyphen = true
            }
        }
        let slug = out.utf8.count > 120 ? String(out.prefix(120)) : out
        return slug.hasSuffix("-") ? slug.trimmingCharacters(in: CharacterSet(charactersIn: "-")) : slug
    }
}
