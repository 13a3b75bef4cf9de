/// HTML and XML, optionally with Jinja: tags, attributes and their values, comments, and `{{ }}` / `{% %}` / `{# #}`.
extension CodeScanner {
    static let jinjaKeywords: Set<String> = [
        "and", "as", "autoescape", "block", "break", "call", "context", "continue", "do", "elif", "else",
        "endautoescape", "endblock", "endcall", "endfilter", "endfor", "endif", "endmacro", "endraw", "endset",
        "endtrans", "endwith", "extends", "filter", "for", "from", "if", "ignore", "import", "in", "include", "is",
        "macro", "missing", "not", "or", "pluralize", "raw", "recursive", "scoped", "set", "trans", "with", "without",
    ]
    static let jinjaLiterals: Set<String> = ["true", "false", "none", "True", "False", "None"]

    mutating func scanMarkup(jinja: Bool) {
        while pos < count {
            let c = src[pos]
            if jinja && isJinjaOpening(at: pos) {
                jinjaBlock()
            } else if c == "<" {
                markupAngle(jinja: jinja)
            } else {
                pos += 1
            }
        }
    }

    /// `{{`, `{%` or `{#` at `index`.
    private func isJinjaOpening(at index: Int) -> Bool {
        self[index] == "{" && (self[index + 1] == "{" || self[index + 1] == "%" || self[index + 1] == "#")
    }

    /// Whatever starts with `<`: a comment, a declaration, a closing tag, an opening tag, or a plain `<`.
    private mutating func markupAngle(jinja: Bool) {
        let next = self[pos + 1]
        if matches("<!--", at: pos) {
            let end = endOfNext("-->", from: pos + 4)
            mark(.comment, pos, end)
            pos = end
        } else if matches("<![CDATA[", at: pos) {
            pos = endOfNext("]]>", from: pos + 9)  // character data: plain
        } else if (next == "!" && self[pos + 2].isASCIILetter) || next == "?" {
            let end = endOfNext(">", from: pos + 2)  // <!doctype html>, <?xml …?>
            mark(.tag, pos, end)
            pos = end
        } else if next == "/" && self[pos + 2].isTagNameScalar {
            let nameEnd = skip(from: pos + 2, while: \.isTagNameScalar)
            let close = skip(from: nameEnd) { $0.isBlankInLine || $0 == "\n" }
            if self[close] == ">" && close == nameEnd {
                mark(.tag, pos, close + 1)
                pos = close + 1
            } else {
                mark(.tag, pos, nameEnd)
                if self[close] == ">" {
                    mark(.tag, close, close + 1)
                    pos = close + 1
                } else {
                    pos = nameEnd
                }
            }
        } else if next.isASCIILetter {
            openingTag(jinja: jinja)
        } else {
            pos += 1
        }
    }

    /// `<name attr="value" …>`; after `<script>` or `<style>`, the raw text up to the closing tag stays plain.
    private mutating func openingTag(jinja: Bool) {
        let nameEnd = skip(from: pos + 1, while: \.isTagNameScalar)
        let name = text(pos + 1, nameEnd).lowercased()
        mark(.tag, pos, nameEnd)
        pos = nameEnd
        var selfClosing = false
        scan: while pos < count {
            let c = src[pos]
            if c.isBlankInLine || c == "\n" {
                pos += 1
            } else if c == ">" {
                mark(.tag, pos, pos + 1)
                pos += 1
                break scan
            } else if c == "/" && self[pos + 1] == ">" {
                mark(.tag, pos, pos + 2)
                pos += 2
                selfClosing = true
                break scan
            } else if c == "<" {
                return  // a tag left open: go back to text
            } else if jinja && isJinjaOpening(at: pos) {
                jinjaBlock()
            } else if c == "\"" || c == "'" {
                attributeValue(jinja: jinja)
            } else if c == "=" {
                pos = skip(from: pos + 1) { $0.isBlankInLine || $0 == "\n" }
                if pos < count, src[pos] != "\"", src[pos] != "'", src[pos] != ">", !(jinja && isJinjaOpening(at: pos)) {
                    let end = skip(from: pos) { !($0.isBlankInLine || $0 == "\n" || $0 == ">" || $0 == "<") }
                    mark(.string, pos, end)  // an unquoted value
                    pos = max(end, pos + 1)
                }
            } else {
                let end = skip(from: pos) {
                    !($0.isBlankInLine || $0 == "\n" || $0 == "=" || $0 == ">" || $0 == "/" || $0 == "<" || $0 == "\"" || $0 == "'")
                        && !(jinja && $0 == "{")
                }
                mark(.attribute, pos, end)
                pos = max(end, pos + 1)
            }
        }
        if !selfClosing && (name == "script" || name == "style") {
            rawText(closingTag: "</" + name, jinja: jinja)
        }
    }

    /// A quoted attribute value; Jinja inside it is marked as Jinja, the pieces around it as strings.
    private mutating func attributeValue(jinja: Bool) {
        let quote = src[pos]
        var pieceStart = pos
        var i = pos + 1
        var end = count
        while i < count {
            if src[i] == quote {
                end = i + 1
                break
            }
            if jinja && isJinjaOpening(at: i) {
                mark(.string, pieceStart, i)
                pos = i
                jinjaBlock()
                i = max(pos, i + 1)
                pieceStart = i
            } else {
                i += 1
            }
        }
        end = max(end, pieceStart)
        mark(.string, pieceStart, end)
        pos = max(end, pos + 1)
    }

    /// Script or style contents: plain (Jinja still marked) up to the closing tag, any case.
    private mutating func rawText(closingTag: String, jinja: Bool) {
        while pos < count {
            if src[pos] == "<" && text(pos, pos + closingTag.unicodeScalars.count).lowercased() == closingTag {
                return
            }
            if jinja && isJinjaOpening(at: pos) {
                jinjaBlock()
            } else {
                pos += 1
            }
        }
    }

    /// At `{{`, `{%` or `{#`: delimiters as tags, names inside as keywords, literals, filters and calls.
    private mutating func jinjaBlock() {
        let kind = self[pos + 1]
        if kind == "#" {
            let end = endOfNext("#}", from: pos + 2)
            mark(.comment, pos, end)
            pos = end
            return
        }
        let closing: Unicode.Scalar = kind == "{" ? "}" : "%"
        var openEnd = pos + 2
        if self[openEnd] == "-" || self[openEnd] == "+" { openEnd += 1 }  // whitespace control
        mark(.tag, pos, openEnd)
        pos = openEnd
        var firstWord = kind == "%"
        while pos < count {
            let c = src[pos]
            if (c == "-" || c == "+") && self[pos + 1] == closing && self[pos + 2] == "}" {
                mark(.tag, pos, pos + 3)
                pos += 3
                return
            }
            if c == closing && self[pos + 1] == "}" {
                mark(.tag, pos, pos + 2)
                pos += 2
                return
            }
            if c == "'" || c == "\"" {
                let end = endOfQuoted(from: pos)
                mark(.string, pos, end)
                pos = max(end, pos + 1)
            } else if c.isASCIIDigit {
                let end = endOfNumber(from: pos)
                mark(.number, pos, end)
                pos = end
            } else if c.isNameStart {
                let end = skip(from: pos, while: \.isNameContinue)
                let word = text(pos, end)
                var before = pos - 1
                while before >= 0, src[before].isBlankInLine || src[before] == "\n" { before -= 1 }
                if firstWord || Self.jinjaKeywords.contains(word) {
                    mark(.keyword, pos, end)
                } else if Self.jinjaLiterals.contains(word) {
                    mark(.literal, pos, end)
                } else if self[before] == "|" || self[end] == "(" {
                    mark(.function, pos, end)  // a filter or a call
                }
                firstWord = false
                pos = end
            } else {
                pos += 1
            }
        }
    }
}

extension Unicode.Scalar {
    fileprivate var isTagNameScalar: Bool {
        isNameContinue || self == "-" || self == ":" || self == "."
    }
}
