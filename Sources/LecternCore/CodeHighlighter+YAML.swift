/// YAML: keys, quoted strings, numbers, true/false/null/yes/no, comments, flow `{}`/`[]` and `|`/`>` block scalars.
extension CodeScanner {
    static let yamlLiterals: Set<String> = ["true", "false", "null", "yes", "no", "on", "off", "~"]

    mutating func scanYAML() {
        var flow: [Unicode.Scalar] = []  // open `{` and `[`, which may span lines
        var blockScalarParent: Int? = nil  // inside `key: |`, lines indented deeper than this are its text
        while pos < count {
            let lineStart = pos
            let end = lineEnd(from: pos)
            let contentStart = skip(from: pos, limit: end, while: \.isBlankInLine)
            let indent = contentStart - lineStart
            if let parent = blockScalarParent {
                if contentStart == end || (self[end - 1] == "\r" && contentStart == end - 1) {
                    pos = min(end + 1, count)  // blank lines belong to the block
                    continue
                }
                if indent > parent {
                    var stop = end
                    while stop > contentStart, src[stop - 1].isBlankInLine { stop -= 1 }
                    mark(.string, contentStart, stop)
                    pos = min(end + 1, count)
                    continue
                }
                blockScalarParent = nil
            }
            pos = contentStart
            if flow.isEmpty && (matches("---", at: pos) || matches("...", at: pos)) && pos == lineStart
                && (self[pos + 3] == "\n" || self[pos + 3].isBlankInLine || pos + 3 == count)
            {
                pos += 3  // a document marker
            }
            yamlLine(until: end, lineStart: lineStart, indent: indent, flow: &flow, blockScalarParent: &blockScalarParent)
            pos = min(end + 1, count)
        }
    }

    /// One line's nodes: `- ` dashes, keys, scalars, flow collections and a trailing comment.
    private mutating func yamlLine(until end: Int, lineStart: Int, indent: Int, flow: inout [Unicode.Scalar], blockScalarParent: inout Int?) {
        var nodeStart = true  // a scalar may start here
        var keyAllowed = true  // that scalar may be a key (line start in block context, or inside `{ }`)
        var lastKeyColumn: Int? = nil
        if !flow.isEmpty { keyAllowed = flow.last == "{" }
        while pos < end {
            let c = src[pos]
            let next = self[pos + 1]
            let nextEndsToken = pos + 1 >= end || next.isBlankInLine || next == "\n"
            if c.isBlankInLine {
                pos += 1
            } else if c == "#" && (pos == lineStart || self[pos - 1].isBlankInLine) {
                mark(.comment, pos, end)
                pos = end
            } else if c == "-" && nodeStart && nextEndsToken && flow.isEmpty {
                pos += 1  // a list item
                keyAllowed = true
            } else if (c == "{" || c == "[") && nodeStart {
                flow.append(c)
                pos += 1
                keyAllowed = c == "{"
            } else if (c == "}" || c == "]") && !flow.isEmpty {
                flow.removeLast()
                pos += 1
                nodeStart = false
                keyAllowed = false
            } else if c == "," && !flow.isEmpty {
                pos += 1
                nodeStart = true
                keyAllowed = flow.last == "{"
            } else if c == ":" && (nextEndsToken || (!flow.isEmpty && ",]}".unicodeScalars.contains(next))) {
                pos += 1  // the value indicator
                nodeStart = true
                keyAllowed = false
            } else if (c == "|" || c == ">") && nodeStart && flow.isEmpty {
                // A block scalar: its text is on the following, deeper lines.
                pos = skip(from: pos + 1, limit: end) { $0 == "-" || $0 == "+" || $0.isASCIIDigit }
                let rest = skip(from: pos, limit: end, while: \.isBlankInLine)
                if rest == end || self[rest] == "#" {
                    blockScalarParent = lastKeyColumn ?? indent
                }
                nodeStart = false
            } else if (c == "&" || c == "*" || c == "!") && nodeStart {
                pos = skip(from: pos + 1, limit: end) { !($0.isBlankInLine || ",[]{}".unicodeScalars.contains($0)) }  // anchor, alias, tag
            } else if (c == "\"" || c == "'") && nodeStart {
                var stringEnd = end
                var i = pos + 1
                while i < end {
                    if src[i] == "\\" && c == "\"" {
                        i += 2
                    } else if src[i] == c {
                        if c == "'" && self[i + 1] == "'" {
                            i += 2  // '' inside single quotes
                        } else {
                            stringEnd = i + 1
                            break
                        }
                    } else {
                        i += 1
                    }
                }
                stringEnd = min(stringEnd, end)
                let isKey = keyAllowed && yamlValueIndicator(at: skip(from: stringEnd, limit: end, while: \.isBlankInLine), end: end, inFlow: !flow.isEmpty)
                if isKey { lastKeyColumn = pos - lineStart }
                mark(isKey ? .attribute : .string, pos, stringEnd)
                pos = max(stringEnd, pos + 1)
                nodeStart = false
            } else if nodeStart {
                let start = pos
                var i = pos
                while i < end {
                    let s = src[i]
                    if s == ":" && yamlValueIndicator(at: i, end: end, inFlow: !flow.isEmpty) { break }
                    if s == "#" && self[i - 1].isBlankInLine { break }
                    if !flow.isEmpty && ",[]{}".unicodeScalars.contains(s) { break }
                    i += 1
                }
                var stop = i
                while stop > start, src[stop - 1].isBlankInLine { stop -= 1 }
                if keyAllowed && self[i] == ":" && i < end {
                    mark(.attribute, start, stop)
                    lastKeyColumn = start - lineStart
                } else {
                    let word = text(start, stop)
                    if Self.yamlLiterals.contains(word.lowercased()) {
                        mark(.literal, start, stop)
                    } else if isYAMLNumber(word) {
                        mark(.number, start, stop)
                    }
                }
                pos = max(stop, start + 1)
                nodeStart = false
            } else {
                pos += 1
            }
        }
    }

    /// A `:` that separates a key from its value: followed by a blank, the line end, or (in flow) `,]}`.
    private func yamlValueIndicator(at index: Int, end: Int, inFlow: Bool) -> Bool {
        guard index < end, src[index] == ":" else { return false }
        let next = self[index + 1]
        return index + 1 >= end || next.isBlankInLine || next == "\n" || (inFlow && ",]}".unicodeScalars.contains(next))
    }

    /// Plain scalars YAML reads as numbers: 12, -3, 1_000, 2.5, 1e3, 0x1F, 0o17, .inf, .nan.
    private func isYAMLNumber(_ word: String) -> Bool {
        var body = word
        if body.hasPrefix("-") || body.hasPrefix("+") { body.removeFirst() }
        if [".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"].contains(body) { return true }
        if body.hasPrefix("0x") { return body.count > 2 && body.dropFirst(2).unicodeScalars.allSatisfy(\.isASCIIHexDigit) }
        if body.hasPrefix("0o") { return body.count > 2 && body.dropFirst(2).unicodeScalars.allSatisfy { $0 >= "0" && $0 <= "7" } }
        var digits = 0
        var seenDot = false
        var seenExponent = false
        var previous: Unicode.Scalar = "\0"
        for c in body.unicodeScalars {
            if c.isASCIIDigit {
                digits += 1
            } else if c == "_" && previous.isASCIIDigit {
            } else if c == "." && !seenDot && !seenExponent {
                seenDot = true
            } else if (c == "e" || c == "E") && digits > 0 && !seenExponent {
                seenExponent = true
            } else if (c == "+" || c == "-") && (previous == "e" || previous == "E") {
            } else {
                return false
            }
            previous = c
        }
        return digits > 0 && previous.isASCIIDigit
    }
}
