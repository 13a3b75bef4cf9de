import Foundation

/// Writes and edits post files the way an editor would: front matter only, the body is never touched.
public enum PostFile {
    /// The text of a new draft post, with the optional fields explained in YAML comments (which the parser ignores).
    public static func draft(title: String, author: String, category: String?, tags: [String], date: Date, timeZone: TimeZone) -> String {
        let dateText = ContentDate.day(date, timeZone: timeZone)
        var lines = ["---", "title: \(quoted(title))", "author: \(quoted(author))", "date: \(dateText)"]
        lines.append(category.map { "category: \(quoted($0))" } ?? "# category: General")
        lines.append(tags.isEmpty ? "tags: []" : "tags: [\(tags.map(quoted).joined(separator: ", "))]")
        lines += [
            "# summary: one or two sentences for listings, search results and the feed (else the first paragraph is used)",
            "# cover: /images/your-picture.jpg",
            "# cover_alt: what the picture shows, for readers who cannot see it",
            "draft: true",
            "---",
            "",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` with `draft: true` set, or with the `draft` field removed; nil when the file has no front matter.
    public static func settingDraft(_ isDraft: Bool, in text: String) -> String? {
        var lines = text.components(separatedBy: "\n")
        let start = 0
        guard lines.count > 1, lines[start].trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}\r")) == "---",
            let closing = lines.indices.dropFirst().first(where: {
                ["---", "..."].contains(lines[$0].trimmingCharacters(in: .init(charactersIn: "\r")))
            })
        else { return nil }
        let lineEnd = lines[start].hasSuffix("\r") ? "\r" : ""
        let existing = lines[(start + 1)..<closing].indices.filter { index in
            let line = lines[index]
            return line.hasPrefix("draft:") || line.hasPrefix("draft :")
        }
        for index in existing.reversed() { lines.remove(at: index) }
        if isDraft {
            let insertAt = existing.first ?? (closing - existing.count)
            lines.insert("draft: true" + lineEnd, at: insertAt)
        }
        return lines.joined(separator: "\n")
    }

    /// `text` with the front matter field `name` set to `value` (replacing the line that has it, or added before the
    /// closing `---`); nil when the file has no front matter.
    public static func setting(_ name: String, to value: String, in text: String) -> String? {
        var lines = text.components(separatedBy: "\n")
        guard lines.count > 1, lines[0].trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}\r")) == "---",
            let closing = lines.indices.dropFirst().first(where: { ["---", "..."].contains(lines[$0].trimmingCharacters(in: .init(charactersIn: "\r"))) })
        else { return nil }
        let lineEnd = lines[0].hasSuffix("\r") ? "\r" : ""
        let line = "\(name): \(value)" + lineEnd
        if let index = lines[1..<closing].indices.first(where: { lines[$0].hasPrefix("\(name):") || lines[$0].hasPrefix("\(name) :") }) {
            lines[index] = line
        } else {
            lines.insert(line, at: closing)
        }
        return lines.joined(separator: "\n")
    }

    /// A YAML double-quoted scalar (JSON string syntax is valid YAML), so titles with colons or quotes stay intact.
    static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
    }
}
