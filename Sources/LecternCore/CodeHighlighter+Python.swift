/// Python: keywords, strings (prefixes, triple quotes), comments, numbers, decorators, literals, builtins and calls.
extension CodeScanner {
    static let pythonKeywords: Set<String> = [
        "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except",
        "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass",
        "raise", "return", "try", "while", "with", "yield",
    ]
    static let pythonLiterals: Set<String> = ["True", "False", "None"]
    /// Builtins marked even when not called (`isinstance(x, str)`, `-> int`); any name followed by `(` is marked anyway.
    static let pythonBuiltins: Set<String> = [
        "abs", "all", "any", "bool", "bytes", "callable", "dict", "enumerate", "float", "frozenset", "getattr",
        "hasattr", "int", "isinstance", "issubclass", "iter", "len", "list", "max", "min", "next", "open", "print",
        "range", "repr", "reversed", "round", "set", "setattr", "sorted", "str", "sum", "super", "tuple", "type", "zip",
    ]
    /// String prefixes, lowercased (`rb"…"`, `f'…'`).
    static let pythonStringPrefixes: Set<String> = ["r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt"]

    mutating func scanPython() {
        var lineStart = true  // only blanks since the last newline
        while pos < count {
            let c = src[pos]
            if c == "\n" {
                lineStart = true
                pos += 1
                continue
            }
            if c.isBlankInLine {
                pos += 1
                continue
            }
            let atLineStart = lineStart
            lineStart = false
            if c == "#" {
                markCommentToLineEnd()
            } else if c == "'" || c == "\"" {
                pythonString(start: pos, quoteAt: pos)
            } else if c == "@" && atLineStart && self[pos + 1].isNameStart {
                var end = skip(from: pos + 1, while: \.isNameContinue)
                while self[end] == ".", self[end + 1].isNameStart {
                    end = skip(from: end + 1, while: \.isNameContinue)
                }
                mark(.decorator, pos, end)
                pos = end
            } else if c.isASCIIDigit || (c == "." && self[pos + 1].isASCIIDigit && !self[pos - 1].isNameContinue) {
                var end = endOfNumber(from: pos)
                if self[end] == "j" || self[end] == "J" { end += 1 }
                mark(.number, pos, end)
                pos = end
            } else if c.isNameStart {
                pythonName()
            } else if c == "\\" && self[pos + 1] == "\n" {
                pos += 2  // a continued line is not a new line (no decorator there)
            } else {
                pos += 1
            }
        }
    }

    private mutating func pythonName() {
        let start = pos
        let end = skip(from: start, while: \.isNameContinue)
        let word = text(start, end)
        let next = self[end]
        if (next == "'" || next == "\""), Self.pythonStringPrefixes.contains(word.lowercased()) {
            pythonString(start: start, quoteAt: end)
            return
        }
        pos = end
        let called = next == "("
        if self[start - 1] == "." {  // an attribute: only a call is marked
            if called { mark(.function, start, end) }
        } else if Self.pythonKeywords.contains(word) {
            mark(.keyword, start, end)
        } else if Self.pythonLiterals.contains(word) {
            mark(.literal, start, end)
        } else if called && !follows("class", before: start) {
            mark(.function, start, end)  // a call or a `def`; a class name stays plain
        } else if Self.pythonBuiltins.contains(word) && !isAssigned(start, end) {
            mark(.function, start, end)
        }
    }

    /// Whether `word`, then blanks, come just before `index`.
    private func follows(_ word: String, before index: Int) -> Bool {
        var i = index
        while i > 0, src[i - 1].isBlankInLine { i -= 1 }
        let start = i - word.unicodeScalars.count
        return start >= 0 && matches(word, at: start) && !self[start - 1].isNameContinue
    }

    /// Whether the name is being assigned or passed by keyword (`type="text"`), not used; `x: str = ""` uses it.
    private func isAssigned(_ start: Int, _ end: Int) -> Bool {
        let i = skip(from: end, while: \.isBlankInLine)
        var before = start - 1
        while before >= 0, src[before].isBlankInLine { before -= 1 }
        return self[i] == "=" && self[i + 1] != "=" && self[before] != ":"
    }

    /// A string literal from `start` (its prefix, if any) whose opening quote is at `quoteAt`.
    private mutating func pythonString(start: Int, quoteAt: Int) {
        let quote = src[quoteAt]
        var end: Int
        if self[quoteAt + 1] == quote && self[quoteAt + 2] == quote {
            let closing = String(repeating: String(quote), count: 3)
            end = count
            var i = quoteAt + 3
            while i < count {
                if src[i] == "\\" {
                    i += 2
                } else if src[i] == quote && matches(closing, at: i) {
                    end = i + 3
                    break
                } else {
                    i += 1
                }
            }
        } else {
            end = endOfQuoted(from: quoteAt)
        }
        mark(.string, start, end)
        pos = max(end, pos + 1)
    }
}
