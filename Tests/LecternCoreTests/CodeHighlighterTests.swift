import Foundation
import LecternCore
import Testing

/// `<span class="tok-KIND">text</span>`, as the highlighter writes it.
private func span(_ kind: String, _ text: String) -> String {
    "<span class=\"tok-\(kind)\">\(text)</span>"
}

/// The code a highlighted block shows: spans removed and the four escapes undone.
private func plainText(of html: String) -> String {
    html.replacingOccurrences(of: #"<span class="tok-[a-z]+">"#, with: "", options: .regularExpression)
        .replacingOccurrences(of: "</span>", with: "")
        .replacingOccurrences(of: "&lt;", with: "<")
        .replacingOccurrences(of: "&gt;", with: ">")
        .replacingOccurrences(of: "&quot;", with: "\"")
        .replacingOccurrences(of: "&amp;", with: "&")
}

/// Every `<` opens or closes a span, spans never nest, and each one is closed.
private func spansAreFlatAndBalanced(_ html: String) -> Bool {
    var open = false
    var rest = Substring(html)
    while let angle = rest.firstIndex(of: "<") {
        rest = rest[angle...]
        if rest.hasPrefix("<span class=\"tok-") {
            if open { return false }
            open = true
        } else if rest.hasPrefix("</span>") {
            if !open { return false }
            open = false
        } else {
            return false
        }
        rest = rest.dropFirst()
    }
    return !open
}

/// Highlighting `code` loses nothing, adds nothing and writes well-formed spans.
private func roundTrips(_ code: String, _ language: String) -> Bool {
    guard let html = CodeHighlighter.highlight(code, language: language) else { return false }
    return plainText(of: html) == code && spansAreFlatAndBalanced(html)
}

@Suite struct CodeHighlighterTests {
    @Test func pythonKeywordsStringsNumbersAndCommentsAreMarked() {
        #expect(CodeHighlighter.highlight("x = 1  # one", language: "python") == "x = \(span("num", "1"))  \(span("com", "# one"))")
        #expect(
            CodeHighlighter.highlight("def greet(name):\n    return f\"Hi {name}\" if name else None", language: "python")
                == "\(span("kw", "def")) \(span("fn", "greet"))(name):\n    \(span("kw", "return")) \(span("str", "f&quot;Hi {name}&quot;")) "
                + "\(span("kw", "if")) name \(span("kw", "else")) \(span("lit", "None"))")
        #expect(
            CodeHighlighter.highlight("n = 1_000 + 0x1F + 3.14 + 1e-3 + 2j", language: "py")
                == "n = \(span("num", "1_000")) + \(span("num", "0x1F")) + \(span("num", "3.14")) + \(span("num", "1e-3")) + \(span("num", "2j"))")
    }

    @Test func pythonTripleQuotedStringsSpanLines() {
        #expect(
            CodeHighlighter.highlight("doc = \"\"\"One\n'two'\n\"\"\"", language: "python")
                == "doc = \(span("str", "&quot;&quot;&quot;One\n'two'\n&quot;&quot;&quot;"))")
    }

    @Test func pythonDecoratorsCallsAndBuiltinsAreMarked() {
        #expect(
            CodeHighlighter.highlight("@app.route(\"/\")\ndef index():\n    pass", language: "python")
                == "\(span("dec", "@app.route"))(\(span("str", "&quot;/&quot;")))\n\(span("kw", "def")) \(span("fn", "index"))():\n    \(span("kw", "pass"))")
        // A keyword argument named like a builtin stays plain; an annotation is marked.
        #expect(
            CodeHighlighter.highlight("print(len(items), type=\"text\")", language: "python")
                == "\(span("fn", "print"))(\(span("fn", "len"))(items), type=\(span("str", "&quot;text&quot;")))")
        #expect(
            CodeHighlighter.highlight("class Course(Base):\n    title: str = \"\"", language: "python")
                == "\(span("kw", "class")) Course(Base):\n    title: \(span("fn", "str")) = \(span("str", "&quot;&quot;"))")
        // Attributes are marked only when called.
        #expect(CodeHighlighter.highlight("os.path.join(a, b).print", language: "python") == "os.path.\(span("fn", "join"))(a, b).print")
    }

    @Test func htmlInCodeIsEscapedLikeCmark() {
        let html = CodeHighlighter.highlight("s = \"<script>alert('x')</script>\" & more", language: "python")
        #expect(html == "s = \(span("str", "&quot;&lt;script&gt;alert('x')&lt;/script&gt;&quot;")) &amp; more")
        #expect(html?.contains("<script>") == false)
    }

    @Test func shellStringsVariablesCommentsAndKeywordsAreMarked() {
        #expect(
            CodeHighlighter.highlight("echo \"Hello $USER\"  # greet", language: "bash")
                == "\(span("fn", "echo")) \(span("str", "&quot;Hello "))\(span("var", "$USER"))\(span("str", "&quot;"))  \(span("com", "# greet"))")
        #expect(
            CodeHighlighter.highlight("for f in *.py; do echo ${f%.py}; done", language: "sh")
                == "\(span("kw", "for")) f \(span("kw", "in")) *.py; \(span("kw", "do")) \(span("fn", "echo")) \(span("var", "${f%.py}")); \(span("kw", "done"))")
        #expect(
            CodeHighlighter.highlight("export PATH=\"$HOME/bin:$PATH\"", language: "shell")
                == "\(span("kw", "export")) PATH=\(span("str", "&quot;"))\(span("var", "$HOME"))\(span("str", "/bin:"))\(span("var", "$PATH"))\(span("str", "&quot;"))")
    }

    @Test func shellHashInsideAWordIsNotAComment() {
        #expect(CodeHighlighter.highlight("echo a#b", language: "bash") == "\(span("fn", "echo")) a#b")
    }

    @Test func shellPromptStaysPlainAndTheCommandFollows() {
        #expect(CodeHighlighter.highlight("$ pip install flask", language: "console") == "$ \(span("fn", "pip")) install flask")
    }

    @Test func shellHereDocumentIsOneString() {
        #expect(
            CodeHighlighter.highlight("cat <<'EOF'\nif $x\nEOF\necho done", language: "bash")
                == "\(span("fn", "cat")) &lt;&lt;\(span("str", "'EOF'"))\n\(span("str", "if $x\nEOF"))\n\(span("fn", "echo")) done")
    }

    @Test func dockerfileInstructionsStartLinesButNotContinuations() {
        let code = "FROM python:3.12-slim AS build\nRUN pip install -r requirements.txt \\\n    && echo USER\nENV PATH=\"/opt/venv/bin:$PATH\"\nEXPOSE 8000\n# a comment"
        #expect(
            CodeHighlighter.highlight(code, language: "dockerfile")
                == "\(span("kw", "FROM")) python:3.12-slim \(span("kw", "AS")) build\n"
                + "\(span("kw", "RUN")) pip install -r requirements.txt \\\n    &amp;&amp; echo USER\n"
                + "\(span("kw", "ENV")) PATH=\(span("str", "&quot;/opt/venv/bin:"))\(span("var", "$PATH"))\(span("str", "&quot;"))\n"
                + "\(span("kw", "EXPOSE")) \(span("num", "8000"))\n\(span("com", "# a comment"))")
    }

    @Test func htmlTagsAttributesCommentsAndJinjaAreMarked() {
        #expect(
            CodeHighlighter.highlight("<a href=\"{{ url_for('index') }}\" class=nav>Home</a><!-- hi -->", language: "html+jinja")
                == "\(span("tag", "&lt;a")) \(span("attr", "href"))=\(span("str", "&quot;"))\(span("tag", "{{")) \(span("fn", "url_for"))(\(span("str", "'index'"))) "
                + "\(span("tag", "}}"))\(span("str", "&quot;")) \(span("attr", "class"))=\(span("str", "nav"))\(span("tag", "&gt;"))Home\(span("tag", "&lt;/a&gt;"))"
                + span("com", "&lt;!-- hi --&gt;"))
        #expect(
            CodeHighlighter.highlight("{% for c in courses %}{{ c.title|upper }}{% endfor %}{# note #}", language: "jinja")
                == "\(span("tag", "{%")) \(span("kw", "for")) c \(span("kw", "in")) courses \(span("tag", "%}"))"
                + "\(span("tag", "{{")) c.title|\(span("fn", "upper")) \(span("tag", "}}"))"
                + "\(span("tag", "{%")) \(span("kw", "endfor")) \(span("tag", "%}"))\(span("com", "{# note #}"))")
    }

    @Test func xmlHasNoJinja() {
        #expect(
            CodeHighlighter.highlight("<item id=\"1\">{{ x }}</item>", language: "xml")
                == "\(span("tag", "&lt;item")) \(span("attr", "id"))=\(span("str", "&quot;1&quot;"))\(span("tag", "&gt;")){{ x }}\(span("tag", "&lt;/item&gt;"))")
    }

    @Test func sqlKeywordsInAnyCaseStringsAndCommentsAreMarked() {
        #expect(
            CodeHighlighter.highlight("SELECT name FROM users WHERE id = 1 AND note = 'it''s' -- first", language: "sql")
                == "\(span("kw", "SELECT")) name \(span("kw", "FROM")) users \(span("kw", "WHERE")) id = \(span("num", "1")) \(span("kw", "AND")) "
                + "note = \(span("str", "'it''s'")) \(span("com", "-- first"))")
        #expect(
            CodeHighlighter.highlight("select count(*) from t /* all */", language: "sql")
                == "\(span("kw", "select")) \(span("fn", "count"))(*) \(span("kw", "from")) t \(span("com", "/* all */"))")
    }

    @Test func yamlKeysScalarsAndCommentsAreMarked() {
        #expect(
            CodeHighlighter.highlight("name: app  # the name\nports:\n  - \"8000:8000\"\ndebug: false\nretries: 3", language: "yaml")
                == "\(span("attr", "name")): app  \(span("com", "# the name"))\n\(span("attr", "ports")):\n  - \(span("str", "&quot;8000:8000&quot;"))\n"
                + "\(span("attr", "debug")): \(span("lit", "false"))\n\(span("attr", "retries")): \(span("num", "3"))")
        #expect(
            CodeHighlighter.highlight("schema: {type: integer, enum: [a, \"b\"]}", language: "yml")
                == "\(span("attr", "schema")): {\(span("attr", "type")): integer, \(span("attr", "enum")): [a, \(span("str", "&quot;b&quot;"))]}")
    }

    @Test func yamlBlockScalarIsAString() {
        #expect(
            CodeHighlighter.highlight("run: |\n  echo hi\n  echo there\nnext: 1", language: "yaml")
                == "\(span("attr", "run")): |\n  \(span("str", "echo hi"))\n  \(span("str", "echo there"))\n\(span("attr", "next")): \(span("num", "1"))")
    }

    @Test func jsonKeysDifferFromStringValues() {
        #expect(
            CodeHighlighter.highlight("{\"name\": \"Lectern\", \"count\": -3, \"ok\": true, \"none\": null}", language: "json")
                == "{\(span("attr", "&quot;name&quot;")): \(span("str", "&quot;Lectern&quot;")), \(span("attr", "&quot;count&quot;")): \(span("num", "-3")), "
                + "\(span("attr", "&quot;ok&quot;")): \(span("lit", "true")), \(span("attr", "&quot;none&quot;")): \(span("lit", "null"))}")
    }

    @Test func tomlSectionsKeysAndValuesAreMarked() {
        #expect(
            CodeHighlighter.highlight("[tool.pytest]\naddopts = \"-ra\"  # flags\nretries = 3\nstrict = true\nmarkers = [\"slow\"]", language: "toml")
                == "\(span("sec", "[tool.pytest]"))\n\(span("attr", "addopts")) = \(span("str", "&quot;-ra&quot;"))  \(span("com", "# flags"))\n"
                + "\(span("attr", "retries")) = \(span("num", "3"))\n\(span("attr", "strict")) = \(span("lit", "true"))\n"
                + "\(span("attr", "markers")) = [\(span("str", "&quot;slow&quot;"))]")
    }

    @Test func iniSectionsKeysAndCommentLinesAreMarked() {
        #expect(
            CodeHighlighter.highlight("; comment\n[server]\nport = 8080\ndebug = yes\nname = Lectern\n    continued", language: "ini")
                == "\(span("com", "; comment"))\n\(span("sec", "[server]"))\n\(span("attr", "port")) = \(span("num", "8080"))\n"
                + "\(span("attr", "debug")) = \(span("lit", "yes"))\n\(span("attr", "name")) = Lectern\n    continued")
    }

    @Test func nginxDirectivesVariablesAndCommentsAreMarked() {
        #expect(
            CodeHighlighter.highlight("server {\n    listen 80;\n    # comment\n    proxy_set_header Host $host;\n}", language: "nginx")
                == "\(span("kw", "server")) {\n    \(span("attr", "listen")) \(span("num", "80"));\n    \(span("com", "# comment"))\n"
                + "    \(span("attr", "proxy_set_header")) Host \(span("var", "$host"));\n}")
    }

    @Test(arguments: ["text", "plaintext", "txt", "", "quiz", "brainfuck"])
    func plainAndUnknownLanguagesReturnNil(_ language: String) {
        #expect(CodeHighlighter.highlight("x = 1", language: language) == nil)
    }

    @Test(arguments: [
        "python", "py", "bash", "sh", "shell", "console", "zsh", "dockerfile", "docker", "containerfile", "html", "html+jinja",
        "jinja", "jinja2", "xml", "sql", "yaml", "yml", "json", "toml", "ini", "cfg", "conf", "nginx",
    ])
    func everyDocumentedAliasIsKnown(_ language: String) {
        #expect(CodeHighlighter.highlight("x", language: language) != nil)
    }

    @Test(arguments: [
        "python", "bash", "dockerfile", "html+jinja", "xml", "sql", "yaml", "json", "toml", "ini", "nginx",
    ])
    func brokenInputNeverCrashesAndRoundTrips(_ language: String) {
        let samples = [
            "", "\"", "'", "\"\"\"never closed", "'unterminated\nnext line", "\\", "x = \"a\\", "/* open", "<!-- open", "{{ open",
            "{% if", "{# open", "<a href=\"open", "${OPEN", "$", "$(", "<<EOF\nbody", "[section", "key: \"open", "{\"k\": [1, {",
            "é = 'ünïcödé' # 😀 emoji\n\t→ 𝔘", "😀\"😀'😀#😀<😀>😀&😀", "\r\n# crlf\r\nx = 1\r\n", "\0 nul\0",
        ]
        for code in samples {
            #expect(roundTrips(code, language), "\(language): \(code)")
        }
    }

    /// Every fenced block in Content/: highlighting loses nothing, and a block of a known language longer than a line
    /// gets at least one span.
    @Test func everyCodeBlockInTheContentRoundTrips() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let content = repository.appendingPathComponent("Content")
        let files = FileManager.default.enumerator(at: content, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "md" } ?? []
        var highlighted = 0
        for file in files {
            let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
            var index = 0
            while index < lines.count {
                let opening = lines[index].trimmingCharacters(in: .whitespaces)
                index += 1
                guard opening.hasPrefix("```") else { continue }
                let language = opening.dropFirst(3).trimmingCharacters(in: .whitespaces)
                var body: [String] = []
                while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces) != "```" {
                    body.append(lines[index])
                    index += 1
                }
                index += 1
                let code = body.map { $0 + "\n" }.joined()
                guard let html = CodeHighlighter.highlight(code, language: language) else { continue }
                highlighted += 1
                #expect(plainText(of: html) == code, "\(file.lastPathComponent): \(language) block changed")
                #expect(spansAreFlatAndBalanced(html), "\(file.lastPathComponent): \(language) block has bad spans")
                if body.count > 1 {
                    #expect(html.contains("<span class=\"tok-"), "\(file.lastPathComponent): \(language) block has no tokens")
                }
            }
        }
        #expect(highlighted > 0, "no highlightable code blocks found under \(content.path)")
    }
}
