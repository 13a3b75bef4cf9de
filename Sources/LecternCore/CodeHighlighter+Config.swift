/// Configuration files: TOML, INI-style files (ini, cfg, conf) and nginx.
extension CodeScanner {
    static let iniLiterals: Set<String> = ["true", "false", "yes", "no", "on", "off"]
    /// nginx directives that open a block; other directives are marked as attributes.
    static let nginxBlocks: Set<String> = ["events", "geo", "http", "if", "limit_except", "location", "map", "server", "stream", "types", "upstream"]

    // MARK: TOML

    mutating func scanTOML() {
        var brackets: [Unicode.Scalar] = []  // open arrays and inline tables
        var lineStart = true  // only blanks since the last newline
        var keyExpected = true
        while pos < count {
            let c = src[pos]
            if c == "\n" {
                pos += 1
                lineStart = true
                if brackets.isEmpty { keyExpected = true }
                continue
            }
            if c.isBlankInLine {
                pos += 1
                continue
            }
            let atLineStart = lineStart
            lineStart = false
            if c == "#" || (c == ";" && atLineStart) {
                markCommentToLineEnd()
                continue
            }
            if c == "[" && atLineStart && brackets.isEmpty {
                let end = lineEnd(from: pos)
                let closing = self[pos + 1] == "[" ? "]]" : "]"
                let stop = endOfNext(closing, from: pos + 1, limit: end)
                mark(.section, pos, stop)
                pos = max(stop, pos + 1)
                keyExpected = false
                continue
            }
            if keyExpected {
                keyExpected = false
                if let keyEnd = tomlKeyEnd(from: pos) {
                    mark(.attribute, pos, keyEnd)
                    pos = keyEnd
                    continue
                }
            }
            switch c {
            case "\"", "'":
                let triple = self[pos + 1] == c && self[pos + 2] == c
                var end: Int
                if triple {
                    end = count
                    var i = pos + 3
                    while i < count {
                        if src[i] == "\\" && c == "\"" {
                            i += 2
                        } else if src[i] == c && self[i + 1] == c && self[i + 2] == c {
                            end = skip(from: i, limit: i + 5) { $0 == c }  // up to two quotes may end the text
                            break
                        } else {
                            i += 1
                        }
                    }
                } else {
                    end = endOfQuoted(from: pos, escapes: c == "\"")
                }
                mark(.string, pos, end)
                pos = max(end, pos + 1)
            case "{", "[":
                brackets.append(c)
                keyExpected = c == "{"
                pos += 1
            case "}", "]":
                if !brackets.isEmpty { brackets.removeLast() }
                pos += 1
            case ",":
                keyExpected = brackets.last == "{"
                pos += 1
            default:
                if c.isASCIIDigit || ((c == "+" || c == "-") && (self[pos + 1].isASCIIDigit || self[pos + 1].isASCIILetter)) {
                    // Numbers, dates and times: 1_000, 3.14, 1e6, 0xff, 1979-05-27T07:32:00Z, +inf.
                    let end = skip(from: pos + 1) { $0.isASCIILetter || $0.isASCIIDigit || "_.:+-".unicodeScalars.contains($0) }
                    let word = text(pos, end)
                    if c.isASCIIDigit || word.dropFirst() == "inf" || word.dropFirst() == "nan" { mark(.number, pos, end) }
                    pos = end
                } else if c.isNameStart {
                    let end = skip(from: pos) { $0.isNameContinue || $0 == "-" }
                    let word = text(pos, end)
                    if word == "true" || word == "false" {
                        mark(.literal, pos, end)
                    } else if word == "inf" || word == "nan" {
                        mark(.number, pos, end)
                    }
                    pos = end
                } else {
                    pos += 1
                }
            }
        }
    }

    /// The end of a key (bare, quoted or dotted) starting at `start` when an `=` follows it; nil otherwise.
    private func tomlKeyEnd(from start: Int) -> Int? {
        var i = start
        var keyEnd: Int? = nil
        while i < count {
            if src[i] == "\"" || src[i] == "'" {
                let end = endOfQuoted(from: i, escapes: src[i] == "\"")
                guard self[end - 1] == src[i], end > i + 1 else { return nil }
                i = end
            } else if src[i].isASCIILetter || src[i].isASCIIDigit || src[i] == "_" || src[i] == "-" {
                i = skip(from: i) { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" || $0 == "-" }
            } else {
                return nil
            }
            keyEnd = i
            i = skip(from: i, while: \.isBlankInLine)
            if self[i] == "." {
                i = skip(from: i + 1, while: \.isBlankInLine)
                continue
            }
            break
        }
        return self[i] == "=" ? keyEnd : nil
    }

    // MARK: INI

    /// Line by line: `[section]`, `;`/`#` comment lines, `key = value` (or `key: value`); other lines are plain.
    mutating func scanINI() {
        while pos < count {
            let end = lineEnd(from: pos)
            var stop = end
            let start = skip(from: pos, limit: end, while: \.isBlankInLine)
            while stop > start, src[stop - 1].isBlankInLine { stop -= 1 }
            let c = self[start]
            if start < stop {
                if c == "#" || c == ";" {
                    mark(.comment, start, stop)
                } else if c == "[" {
                    var close = endOfNext("]", from: start + 1, limit: stop)
                    if self[close] == "]" { close += 1 }  // [[double]]
                    mark(.section, start, min(close, stop))
                } else if let separator = (start..<stop).first(where: { src[$0] == "=" || src[$0] == ":" }), separator > start {
                    var keyStop = separator
                    while keyStop > start, src[keyStop - 1].isBlankInLine { keyStop -= 1 }
                    mark(.attribute, start, keyStop)
                    let valueStart = skip(from: separator + 1, limit: stop, while: \.isBlankInLine)
                    if valueStart < stop {
                        let value = text(valueStart, stop)
                        let first = src[valueStart]
                        if (first == "\"" || first == "'") && stop - valueStart >= 2 && src[stop - 1] == first {
                            mark(.string, valueStart, stop)
                        } else if Self.iniLiterals.contains(value.lowercased()) {
                            mark(.literal, valueStart, stop)
                        } else if isININumber(value) {
                            mark(.number, valueStart, stop)
                        }
                    }
                }
            }
            pos = min(end + 1, count)
        }
    }

    private func isININumber(_ value: String) -> Bool {
        var body = Substring(value)
        if body.hasPrefix("-") || body.hasPrefix("+") { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        return !body.isEmpty && parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy(\.isASCIIDigit) }
    }

    // MARK: nginx

    /// Directive names (first word of a statement) as attributes, block names as keywords, `$vars`, strings,
    /// numbers with units (`1h`, `10m`), `on`/`off`, `#` comments.
    mutating func scanNginx() {
        var statementStart = true
        while pos < count {
            let c = src[pos]
            if c.isBlankInLine || c == "\n" {
                pos += 1
            } else if c == "#" {
                markCommentToLineEnd()
            } else if c == "\"" || c == "'" {
                let end = endOfQuoted(from: pos, multiline: true)
                mark(.string, pos, end)
                pos = max(end, pos + 1)
                statementStart = false
            } else if c == "$" && (self[pos + 1] == "{" || self[pos + 1].isNameStart) {
                let end: Int
                if self[pos + 1] == "{" {
                    end = endOfNext("}", from: pos + 2, limit: lineEnd(from: pos))
                } else {
                    end = skip(from: pos + 1) { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" }
                }
                mark(.variable, pos, end)
                pos = max(end, pos + 1)
                statementStart = false
            } else if c == ";" || c == "{" || c == "}" {
                pos += 1
                statementStart = true
            } else if c == "\\" {
                pos = min(pos + 2, count)
            } else {
                let end = skip(from: pos) { !($0.isBlankInLine || $0 == "\n" || ";{}\"'$".unicodeScalars.contains($0)) }
                let word = text(pos, end)
                let standalone = !(self[pos - 1] == "$" || self[end] == "$") && !self[pos - 1].isNameContinue
                if statementStart {
                    mark(Self.nginxBlocks.contains(word) ? .keyword : .attribute, pos, end)
                } else if standalone && (word == "on" || word == "off") {
                    mark(.literal, pos, end)
                } else if standalone && isNginxNumber(word) {
                    mark(.number, pos, end)
                }
                statementStart = false
                pos = max(end, pos + 1)
            }
        }
    }

    /// 8000, 1.1, 1h, 10m, 512k, 30s, 100ms.
    private func isNginxNumber(_ word: String) -> Bool {
        let scalars = Array(word.unicodeScalars)
        var i = 0
        while i < scalars.count, (scalars[i]).isASCIIDigit || (scalars[i] == "." && i > 0) { i += 1 }
        guard i > 0, (scalars[i - 1]).isASCIIDigit else { return false }
        return scalars.count - i <= 2 && scalars[i...].allSatisfy(\.isASCIILetter)
    }
}
