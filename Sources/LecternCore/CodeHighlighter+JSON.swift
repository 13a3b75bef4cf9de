/// JSON: keys (strings before `:`), other strings, numbers, true/false/null; `//` and `/* */` comments are tolerated.
extension CodeScanner {
    mutating func scanJSON() {
        while pos < count {
            let c = src[pos]
            if c == "\"" {
                let end = endOfQuoted(from: pos)
                let after = skip(from: end) { $0.isBlankInLine || $0 == "\n" }
                mark(self[after] == ":" ? .attribute : .string, pos, end)
                pos = max(end, pos + 1)
            } else if c.isASCIIDigit || (c == "-" && self[pos + 1].isASCIIDigit) {
                let end = endOfNumber(from: c == "-" ? pos + 1 : pos)
                mark(.number, pos, end)
                pos = end
            } else if c.isASCIILetter {
                let end = skip(from: pos, while: \.isNameContinue)
                let word = text(pos, end)
                if word == "true" || word == "false" || word == "null" { mark(.literal, pos, end) }
                pos = end
            } else if c == "/" && self[pos + 1] == "/" {
                markCommentToLineEnd()
            } else if c == "/" && self[pos + 1] == "*" {
                let end = endOfNext("*/", from: pos + 2)
                mark(.comment, pos, end)
                pos = end
            } else {
                pos += 1
            }
        }
    }
}
