/// Shell (bash, sh, zsh, console sessions) and Dockerfiles, which share quoting and `$VAR` rules.
extension CodeScanner {
    static let shellKeywords: Set<String> = [
        "if", "then", "else", "elif", "fi", "for", "do", "done", "case", "esac", "while", "until", "function",
        "select", "export", "local", "return", "break", "continue", "readonly", "declare",
    ]
    /// Words after which the next word is again a command (`if grep …`, `then echo …`).
    static let shellCommandPrefixes: Set<String> = ["if", "then", "else", "elif", "do", "while", "until", "!", "{"]
    static let dockerInstructions: Set<String> = [
        "FROM", "RUN", "COPY", "ADD", "WORKDIR", "ENV", "EXPOSE", "CMD", "ENTRYPOINT", "ARG", "USER", "VOLUME",
        "LABEL", "HEALTHCHECK", "SHELL", "STOPSIGNAL", "ONBUILD", "MAINTAINER",
    ]

    // MARK: Shell

    mutating func scanShell() {
        var commandPosition = true  // the next word names a command, so it may be a keyword
        var lineStart = true  // only blanks since the last newline
        var expectIn = false  // after `for x`/`case x`/`select x`, `in` is a keyword
        var heredocs: [(delimiter: String, stripTabs: Bool)] = []
        while pos < count {
            let c = src[pos]
            if c == "\n" {
                pos += 1
                if !heredocs.isEmpty {
                    heredocBodies(heredocs)
                    heredocs = []
                }
                commandPosition = true
                lineStart = true
                expectIn = false
                continue
            }
            if c.isBlankInLine {
                pos += 1
                continue
            }
            let atLineStart = lineStart
            lineStart = false
            let atWordStart = self[pos - 1].isShellWordBoundary
            switch c {
            case "$" where atLineStart && (self[pos + 1] == " " || self[pos + 1] == "\n" || pos + 1 == count):
                pos += 1  // a `$ ` prompt, plain; the command follows
            case "#" where atWordStart:
                markCommentToLineEnd()
            case "\\":
                pos = min(pos + 2, count)  // an escaped scalar, or a continued line
            case "'":
                let end = endOfQuoted(from: pos, escapes: false, multiline: true)
                mark(.string, pos, end)
                pos = end
                if atWordStart { commandPosition = false }  // glued to a word (`NAME='x'`), the word decided
            case "\"":
                doubleQuotedShellString(limit: count)
                if atWordStart { commandPosition = false }
            case "$":
                if self[pos + 1] == "(" {
                    pos += 2  // command substitution: its insides are scanned like any command
                    commandPosition = true
                } else {
                    shellVariable(limit: count)
                    if atWordStart { commandPosition = false }
                }
            case ";", "&", "|", "(", "`":
                pos += 1
                commandPosition = true
                expectIn = false
            case "<" where self[pos + 1] == "<" && self[pos + 2] != "<":
                if let heredoc = heredocDelimiter(after: pos + 2) { heredocs.append(heredoc) }
                pos += 2
            case ")", "<", ">":
                pos += 1
            default:
                let end = skip(from: pos) { !$0.isShellWordBreak }
                let word = text(pos, end)
                if commandPosition && atWordStart && Self.shellKeywords.contains(word) {
                    mark(.keyword, pos, end)
                    commandPosition = Self.shellCommandPrefixes.contains(word)
                    expectIn = word == "for" || word == "case" || word == "select"
                } else if expectIn && word == "in" {
                    mark(.keyword, pos, end)
                    expectIn = false
                    commandPosition = false
                } else if commandPosition && (Self.shellCommandPrefixes.contains(word) || isShellAssignment(word)) {
                    // `! cmd`, `{ cmd; }`, `NAME=value cmd`: a command still follows
                } else {
                    if commandPosition && atWordStart, let first = word.unicodeScalars.first,
                        first.isNameStart || first == "." || first == "/" || first == "~"
                    {
                        mark(.function, pos, end)  // the command's name
                    }
                    commandPosition = false
                }
                pos = max(end, pos + 1)
            }
        }
    }

    private func isShellAssignment(_ word: String) -> Bool {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return false }
        return word[..<equals].unicodeScalars.allSatisfy { $0.isNameContinue && $0.value < 0x80 }
    }

    /// `"…"` with `$VAR` and `${…}` inside marked as variables between the string's pieces.
    mutating func doubleQuotedShellString(limit: Int) {
        let limit = min(limit, count)
        var pieceStart = pos
        var i = pos + 1
        var end = limit
        while i < limit {
            let c = src[i]
            if c == "\\" {
                i += 2
            } else if c == "\"" {
                end = i + 1
                break
            } else if c == "$", self[i + 1].isShellVariableStart {
                mark(.string, pieceStart, i)
                pos = i
                shellVariable(limit: limit)
                i = max(pos, i + 1)
                pieceStart = i
            } else {
                i += 1
            }
        }
        end = min(max(end, pieceStart), limit)
        mark(.string, pieceStart, end)
        pos = max(end, pos + 1)
    }

    /// At a `$`: `$NAME`, `${…}`, `$1`, `$?` as variables, `$'…'` as a string; a lone `$` stays plain.
    mutating func shellVariable(limit: Int) {
        let next = self[pos + 1]
        var end = pos + 1
        if next == "{" {
            var depth = 0
            var i = pos + 1
            end = min(limit, count)
            while i < min(limit, count) {
                if src[i] == "{" {
                    depth += 1
                } else if src[i] == "}" {
                    depth -= 1
                    if depth == 0 {
                        end = i + 1
                        break
                    }
                } else if src[i] == "\n" {
                    end = i
                    break
                }
                i += 1
            }
        } else if next.isASCIILetter || next == "_" {
            end = skip(from: pos + 1, limit: limit) { ($0.isASCIILetter || $0.isASCIIDigit || $0 == "_") }
        } else if next.isASCIIDigit || "@*#?$!-".unicodeScalars.contains(next) {
            end = pos + 2
        } else if next == "'" && pos + 1 < limit {
            let stringEnd = endOfQuoted(from: pos + 1, multiline: true, limit: limit)
            mark(.string, pos, stringEnd)
            pos = max(stringEnd, pos + 1)
            return
        } else {
            pos += 1
            return
        }
        end = min(end, limit)
        mark(.variable, pos, end)
        pos = max(end, pos + 1)
    }

    /// After `<<`: the delimiter of a here-document (`EOF`, `'EOF'`, `-EOF`), or nil for `<<<` and nonsense.
    private func heredocDelimiter(after start: Int) -> (delimiter: String, stripTabs: Bool)? {
        var i = start
        let stripTabs = self[i] == "-"
        if stripTabs { i += 1 }
        i = skip(from: i, while: \.isBlankInLine)
        var delimiter = String.UnicodeScalarView()
        while i < count {
            let c = src[i]
            if c == "'" || c == "\"" {
                let end = endOfQuoted(from: i, escapes: false)
                delimiter.append(contentsOf: src[(i + 1)..<max(i + 1, end - 1)])
                i = end
            } else if c == "\\" {
                i += 1
            } else if c.isShellWordBreak {
                break
            } else {
                delimiter.append(c)
                i += 1
            }
        }
        return delimiter.isEmpty ? nil : (String(delimiter), stripTabs)
    }

    /// At the start of the line after `<<EOF`: each body, with its closing delimiter, is one string.
    private mutating func heredocBodies(_ heredocs: [(delimiter: String, stripTabs: Bool)]) {
        for (index, heredoc) in heredocs.enumerated() {
            let bodyStart = pos
            while true {
                let end = lineEnd(from: pos)
                var lineStart = pos
                if heredoc.stripTabs { lineStart = skip(from: lineStart, limit: end) { $0 == "\t" } }
                var lineStop = end
                if self[lineStop - 1] == "\r", lineStop - 1 >= lineStart { lineStop -= 1 }
                if text(lineStart, lineStop) == heredoc.delimiter {
                    mark(.string, bodyStart, lineStop)
                    // The main loop takes the last newline; a further body starts on the next line.
                    pos = index == heredocs.count - 1 ? end : min(end + 1, count)
                    break
                }
                if end >= count {
                    mark(.string, bodyStart, count)
                    pos = count
                    return
                }
                pos = end + 1
            }
        }
    }

    // MARK: Dockerfile

    mutating func scanDockerfile() {
        var continued = false  // this line continues the previous one (which ended in `\`)
        var instruction = ""
        while pos < count {
            let end = lineEnd(from: pos)
            var last = end - 1
            while last >= pos, src[last].isBlankInLine { last -= 1 }
            let continues = last >= pos && src[last] == "\\"
            pos = skip(from: pos, limit: end, while: \.isBlankInLine)
            if self[pos] == "#" && pos < end {
                mark(.comment, pos, end)  // comments and parser directives; a comment does not end a continuation
            } else if pos < end {
                if !continued {
                    let wordEnd = skip(from: pos, limit: end, while: \.isASCIILetter)
                    instruction = text(pos, wordEnd).uppercased()
                    if Self.dockerInstructions.contains(instruction) {
                        mark(.keyword, pos, wordEnd)
                        pos = wordEnd
                        if instruction == "ONBUILD" {
                            let nextStart = skip(from: pos, limit: end, while: \.isBlankInLine)
                            let nextEnd = skip(from: nextStart, limit: end, while: \.isASCIILetter)
                            let inner = text(nextStart, nextEnd).uppercased()
                            if Self.dockerInstructions.contains(inner) {
                                mark(.keyword, nextStart, nextEnd)
                                instruction = inner
                                pos = nextEnd
                            }
                        }
                    } else {
                        instruction = ""
                    }
                }
                dockerArguments(until: end, instruction: instruction)
                continued = continues
            }
            pos = min(end + 1, count)
        }
    }

    /// The rest of an instruction's line: strings, variables, plain numbers, `AS` in FROM, `CMD` in HEALTHCHECK.
    private mutating func dockerArguments(until end: Int, instruction: String) {
        while pos < end {
            let c = src[pos]
            if c.isBlankInLine {
                pos += 1
            } else if c == "\"" {
                doubleQuotedShellString(limit: end)
            } else if c == "'" {
                let stringEnd = endOfQuoted(from: pos, escapes: false, limit: end)
                mark(.string, pos, stringEnd)
                pos = max(stringEnd, pos + 1)
            } else if c == "$" {
                shellVariable(limit: end)
            } else if c == "\\" {
                pos = min(pos + 2, end)
            } else {
                let wordEnd = skip(from: pos, limit: end) { !($0.isBlankInLine || $0 == "\"" || $0 == "'" || $0 == "$" || $0 == "\\") }
                let word = text(pos, wordEnd)
                let upper = word.uppercased()
                if word.unicodeScalars.allSatisfy(\.isASCIIDigit) {
                    mark(.number, pos, wordEnd)
                } else if (instruction == "FROM" && upper == "AS") || (instruction == "HEALTHCHECK" && (upper == "CMD" || upper == "NONE")) {
                    mark(.keyword, pos, wordEnd)
                }
                pos = max(wordEnd, pos + 1)
            }
        }
    }
}

extension Unicode.Scalar {
    /// Before a word: a comment may start here, and a keyword may be a whole word.
    fileprivate var isShellWordBoundary: Bool {
        self == "\0" || self == "\n" || isBlankInLine || self == ";" || self == "&" || self == "|" || self == "(" || self == ")"
            || self == "`"
    }

    /// Scalars that end an unquoted word.
    fileprivate var isShellWordBreak: Bool {
        isShellWordBoundary || self == "<" || self == ">" || self == "'" || self == "\"" || self == "$" || self == "\\"
    }

    /// What may follow `$` in a variable: a name, `{`, a digit or a special parameter.
    fileprivate var isShellVariableStart: Bool {
        isASCIILetter || self == "_" || self == "{" || isASCIIDigit || "@*#?$!-".unicodeScalars.contains(self)
    }
}
