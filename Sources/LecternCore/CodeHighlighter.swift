/// Highlights code at import time: HTML-escaped text with <span class="tok-…"> around tokens, no JavaScript.
///
/// Each language has a small hand-written scanner (one file each, `CodeHighlighter+<Language>.swift`) that walks
/// the code's Unicode scalars once and reports tokens to `CodeScanner.mark`. Text between tokens is copied as is,
/// escaped the way cmark-gfm escapes code blocks (`&`, `<`, `>`, `"`), so stripping the spans and unescaping gives
/// back the input exactly. Scanners aim for "right on ordinary code", not full grammars.
public enum CodeHighlighter {
    /// Languages it knows, by the fence names editors write (lowercased). Returns nil for an unknown language (caller renders plain text).
    public static func highlight(_ code: String, language: String) -> String? {
        guard let language = Language(fenceName: language) else { return nil }
        var scanner = CodeScanner(code)
        switch language {
        case .python: scanner.scanPython()
        case .shell: scanner.scanShell()
        case .dockerfile: scanner.scanDockerfile()
        case .markup(let jinja): scanner.scanMarkup(jinja: jinja)
        case .sql: scanner.scanSQL()
        case .yaml: scanner.scanYAML()
        case .json: scanner.scanJSON()
        case .toml: scanner.scanTOML()
        case .ini: scanner.scanINI()
        case .nginx: scanner.scanNginx()
        }
        return scanner.finish()
    }

    /// The scanners, and the fence names (after the backticks) that choose each.
    enum Language: Equatable {
        case python, shell, dockerfile, sql, yaml, json, toml, ini, nginx
        /// HTML or XML; `jinja` also marks `{{ }}`, `{% %}` and `{# #}`.
        case markup(jinja: Bool)

        init?(fenceName: String) {
            // Only the first word of an info string names the language ("python title=app.py").
            let name = fenceName.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map { $0.lowercased() } ?? ""
            switch name {
            case "python", "py", "python3": self = .python
            case "bash", "sh", "shell", "console", "zsh": self = .shell
            case "dockerfile", "docker", "containerfile": self = .dockerfile
            case "html", "htm", "html+jinja", "jinja", "jinja2", "j2": self = .markup(jinja: true)
            case "xml": self = .markup(jinja: false)
            case "sql": self = .sql
            case "yaml", "yml": self = .yaml
            case "json": self = .json
            case "toml": self = .toml
            case "ini", "cfg", "conf": self = .ini
            case "nginx": self = .nginx
            default: return nil  // text, plaintext, txt, "" and anything unknown: plain
            }
        }
    }
}

/// What a token is; the raw value is the CSS class after `tok-`.
enum TokenKind: String {
    case keyword = "kw"
    case string = "str"
    case number = "num"
    case comment = "com"
    case function = "fn"
    case tag = "tag"
    case attribute = "attr"
    case variable = "var"
    case decorator = "dec"
    case section = "sec"
    case literal = "lit"
}

/// A position in the code plus the HTML written so far. Scanners move `pos` and call `mark` for each token;
/// `mark` ignores a token that is empty or starts before the end of the previous one, so spans never nest or
/// overlap whatever a scanner does, and every scalar of the input is written exactly once.
struct CodeScanner {
    let src: [Unicode.Scalar]
    /// Where the scanner is; every step of every scanner loop moves it forward.
    var pos = 0
    /// How much of `src` is already in `out`.
    private var written = 0
    private var out = ""

    init(_ code: String) {
        src = Array(code.unicodeScalars)
        out.reserveCapacity(code.utf8.count + code.utf8.count / 2)
    }

    var count: Int { src.count }

    /// The scalar at `index`, or NUL past either end (so look-ahead needs no bounds checks).
    subscript(index: Int) -> Unicode.Scalar {
        index >= 0 && index < src.count ? src[index] : "\0"
    }

    /// Wraps `start..<end` in a span of `kind`, after copying any plain text before it.
    mutating func mark(_ kind: TokenKind, _ start: Int, _ end: Int) {
        let end = min(end, src.count)
        guard start >= written, end > start else { return }
        copy(upTo: start)
        out.append("<span class=\"tok-")
        out.append(kind.rawValue)
        out.append("\">")
        copy(upTo: end)
        out.append("</span>")
    }

    /// The finished HTML: any text after the last token is copied plain.
    mutating func finish() -> String {
        copy(upTo: src.count)
        return out
    }

    private mutating func copy(upTo end: Int) {
        while written < end {
            let scalar = src[written]
            switch scalar {
            case "&": out.append("&amp;")
            case "<": out.append("&lt;")
            case ">": out.append("&gt;")
            case "\"": out.append("&quot;")
            default: out.unicodeScalars.append(scalar)
            }
            written += 1
        }
    }

    // MARK: - Helpers shared by the scanners

    /// The index of the next newline at or after `index`, or the end.
    func lineEnd(from index: Int) -> Int {
        var i = index
        while i < src.count, src[i] != "\n" { i += 1 }
        return i
    }

    /// The first index at or after `index` where `predicate` fails, stopping at `limit` (default: the end).
    func skip(from index: Int, limit: Int? = nil, while predicate: (Unicode.Scalar) -> Bool) -> Int {
        let limit = min(limit ?? src.count, src.count)
        var i = index
        while i < limit, predicate(src[i]) { i += 1 }
        return max(i, index)
    }

    /// Whether the scalars at `index` spell `literal`.
    func matches(_ literal: String, at index: Int) -> Bool {
        var i = index
        for scalar in literal.unicodeScalars {
            guard i < src.count, src[i] == scalar else { return false }
            i += 1
        }
        return true
    }

    /// The index just past the next `literal` at or after `index`, or `limit` (default: the end) when it never comes.
    func endOfNext(_ literal: String, from index: Int, limit: Int? = nil) -> Int {
        let limit = min(limit ?? src.count, src.count)
        guard let first = literal.unicodeScalars.first else { return index }
        var i = index
        while i < limit {
            if src[i] == first, matches(literal, at: i) { return min(i + literal.unicodeScalars.count, limit) }
            i += 1
        }
        return max(limit, index)
    }

    func text(_ start: Int, _ end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: src[max(start, 0)..<min(max(end, start), src.count)])
        return String(view)
    }

    /// Marks a comment from `pos` to the end of the line and moves there.
    mutating func markCommentToLineEnd() {
        let end = lineEnd(from: pos)
        mark(.comment, pos, end)
        pos = max(end, pos + 1)
    }

    /// The end of a string opened by the quote at `start`: past the closing quote, or at the newline/end when
    /// unterminated (`multiline` lets it run to the end instead). A backslash escapes the next scalar when `escapes`.
    func endOfQuoted(from start: Int, escapes: Bool = true, multiline: Bool = false, limit: Int? = nil) -> Int {
        let quote = src[start]
        let limit = min(limit ?? src.count, src.count)
        var i = start + 1
        while i < limit {
            let c = src[i]
            if c == "\\" && escapes {
                i += 2
                continue
            }
            if c == quote { return i + 1 }
            if c == "\n" && !multiline { return i }
            i += 1
        }
        return limit
    }

    /// The end of a plain number starting at `start`: digits with `_`, a fraction, an exponent; or 0x/0o/0b forms.
    func endOfNumber(from start: Int) -> Int {
        var i = start
        if self[i] == "0", "xXoObB".unicodeScalars.contains(self[i + 1]), self[i + 2].isASCIIHexDigit {
            return skip(from: i + 2) { $0.isASCIIHexDigit || $0 == "_" }
        }
        i = skip(from: i) { $0.isASCIIDigit || $0 == "_" }
        if self[i] == ".", self[i + 1].isASCIIDigit {
            i = skip(from: i + 1) { $0.isASCIIDigit || $0 == "_" }
        }
        if self[i] == "e" || self[i] == "E" {
            if self[i + 1].isASCIIDigit {
                i = skip(from: i + 1, while: \.isASCIIDigit)
            } else if self[i + 1] == "+" || self[i + 1] == "-", self[i + 2].isASCIIDigit {
                i = skip(from: i + 2, while: \.isASCIIDigit)
            }
        }
        return max(i, start + 1)
    }
}

/// Scalar classes the scanners test. Properties rather than scanner methods, so that predicates passed as closures
/// (`skip(from:while:)`) never capture, and so copy, the scanner and its output.
extension Unicode.Scalar {
    /// Blanks within a line (a newline is not one).
    var isBlankInLine: Bool { self == " " || self == "\t" || self == "\r" }

    var isASCIIDigit: Bool { self >= "0" && self <= "9" }

    var isASCIIHexDigit: Bool { isASCIIDigit || (self >= "a" && self <= "f") || (self >= "A" && self <= "F") }

    var isASCIILetter: Bool { (self >= "a" && self <= "z") || (self >= "A" && self <= "Z") }

    /// Letters, `_` and any non-ASCII scalar start a name (so names in other scripts stay whole).
    var isNameStart: Bool { isASCIILetter || self == "_" || value >= 0x80 }

    var isNameContinue: Bool { isNameStart || isASCIIDigit }
}
