import Foundation

/// Splits a migration's SQL into its statements: postgres-nio sends every query through the extended protocol,
/// which takes one statement at a time. Semicolons inside quotes ('…', "…"), dollar quotes ($$…$$, $body$…$body$)
/// and comments do not split.
enum SQLStatements {
    static func split(_ sql: String) -> [String] {
        let text = Array(sql.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0
        func flush() {
            let statement = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if !statement.isEmpty, !isOnlyComments(statement) { statements.append(statement) }
            current = String.UnicodeScalarView()
        }
        while index < text.count {
            let scalar = text[index]
            switch scalar {
            case "'", "\"":
                // A quote ends at the next one not doubled ('it''s').
                var end = index + 1
                while end < text.count {
                    if text[end] == scalar {
                        if end + 1 < text.count, text[end + 1] == scalar { end += 2; continue }
                        break
                    }
                    end += 1
                }
                current.append(contentsOf: text[index...min(end, text.count - 1)])
                index = end + 1
            case "$":
                // $tag$ … $tag$, where the tag is empty or an identifier; a lone $1 is a parameter.
                var end = index + 1
                while end < text.count, text[end] == "_" || text[end].properties.isAlphabetic || (end > index + 1 && text[end].properties.numericType != nil) {
                    end += 1
                }
                if end < text.count, text[end] == "$" {
                    let tag = Array(text[index...end])
                    var close = end + 1
                    while close + tag.count <= text.count, Array(text[close..<(close + tag.count)]) != tag { close += 1 }
                    let last = min(close + tag.count, text.count)
                    current.append(contentsOf: text[index..<last])
                    index = last
                } else {
                    current.append(scalar)
                    index += 1
                }
            case "-" where index + 1 < text.count && text[index + 1] == "-":
                while index < text.count, text[index] != "\n" {
                    current.append(text[index])
                    index += 1
                }
            case "/" where index + 1 < text.count && text[index + 1] == "*":
                var end = index + 2
                while end + 1 < text.count, !(text[end] == "*" && text[end + 1] == "/") { end += 1 }
                let last = min(end + 2, text.count)
                current.append(contentsOf: text[index..<last])
                index = last
            case ";":
                flush()
                index += 1
            default:
                current.append(scalar)
                index += 1
            }
        }
        flush()
        return statements
    }

    private static func isOnlyComments(_ statement: String) -> Bool {
        statement.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") || $0.trimmingCharacters(in: .whitespaces).isEmpty }
    }
}
