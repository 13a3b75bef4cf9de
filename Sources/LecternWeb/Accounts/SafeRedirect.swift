import Foundation

/// `?next=` targets: only a path on this site, so a login link can never send someone elsewhere.
enum SafeRedirect {
    static func path(_ candidate: String?, fallback: String = "/account") -> String {
        guard let candidate, !candidate.isEmpty, candidate.count <= 500 else { return fallback }
        // Check the text as given and once decoded: `/%2F%2Fevil.example` must not become `//evil.example` anywhere.
        for form in [candidate, candidate.removingPercentEncoding ?? "//"] {
            guard form.hasPrefix("/"), !form.hasPrefix("//"), !form.hasPrefix("/\\"), !form.contains("\\"),
                !form.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0.properties.isWhitespace })
            else { return fallback }
        }
        return candidate
    }

    /// A local path as the value of a `?next=` query parameter.
    static func queryValue(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-_.~"))) ?? ""
    }
}
