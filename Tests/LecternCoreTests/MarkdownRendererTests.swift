import LecternCore
import Testing

@Suite struct MarkdownRendererTests {
    @Test func rawHTMLNeverReachesThePage() {
        let html = MarkdownRenderer.render(
            "Hello <script>alert(1)</script>\n\n<iframe src=\"https://evil.example\"></iframe>\n\n<img src=x onerror=alert(1)>"
        ).html
        #expect(!html.contains("<script"))
        #expect(!html.contains("<iframe"))
        #expect(!html.contains("onerror"))
    }

    @Test func javascriptLinksAreNeutralised() {
        let html = MarkdownRenderer.render(
            "[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [ok](https://flask.palletsprojects.com/)"
        ).html
        #expect(!html.lowercased().contains("javascript:"))
        #expect(!html.contains("data:text/html"))
        #expect(html.contains("href=\"https://flask.palletsprojects.com/\""))
    }

    @Test func parsesAtOnceFromManyTasksWithoutLosingExtensions() async {
        // cmark-gfm changes a global table during each parse; parses at once used to drop ~~ and autolinks.
        let markdown = "Some ~~old~~ text, see https://example.com/docs and ~~more~~ of it.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
        let rendered = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 { group.addTask { (0..<100).map { _ in MarkdownRenderer.render(markdown).html } } }
            var all: [String] = []
            for await batch in group { all += batch }
            return all
        }
        #expect(rendered.count == 800)
        #expect(rendered.allSatisfy { $0.contains("<del>old</del>") && $0.contains("<a href=\"https://example.com/docs\">") }, "a parse lost an extension")
    }

    @Test func rendersTheGitHubExtensions() {
        let markdown = """
            | Method | Path |
            |---|---|
            | GET | /courses |

            ~~old~~ and https://example.com/docs

            - [x] done
            - [ ] todo

            ```python
            print("hi")
            ```
            """
        let html = MarkdownRenderer.render(markdown).html
        #expect(html.contains("<table>"))
        #expect(html.contains("<td>/courses</td>"))
        #expect(html.contains("<del>old</del>"))
        #expect(html.contains("<a href=\"https://example.com/docs\">"))
        #expect(html.contains("type=\"checkbox\""))
        #expect(html.contains("<code class=\"language-python\">"))
    }

    @Test func fencedCodeInAKnownLanguageIsHighlightedAtImportAndTheRestStaysPlain() {
        let rendered = MarkdownRenderer.render(
            "Text.\n\n```python\nprint(\"<b>\")  # say it\n```\n\n```brainfuck\n+[<b>]\n```\n\n```\nplain <i>\n```\n")
        #expect(
            rendered.html.contains(
                #"<pre tabindex="0"><code class="language-python"><span class="tok-fn">print</span>(<span class="tok-str">&quot;&lt;b&gt;&quot;</span>)  <span class="tok-com"># say it</span>"#
                    + "\n</code></pre>"))
        #expect(rendered.html.contains("<pre tabindex=\"0\"><code class=\"language-brainfuck\">+[&lt;b&gt;]\n</code></pre>"))
        #expect(rendered.html.contains("<pre tabindex=\"0\"><code>plain &lt;i&gt;\n</code></pre>"))
        #expect(!rendered.html.contains("lecterncode"))
        // Scrolling code can be scrolled from the keyboard; "<pre>" typed in the text stays text.
        #expect(MarkdownRenderer.render("Write `<pre>` or <pre>x</pre>.").html.contains("&lt;pre&gt;"))
        #expect(!MarkdownRenderer.render("Write `<pre>` or <pre>x</pre>.").html.contains("<pre"))
        #expect(rendered.plainText.contains("print(\"<b>\")  # say it"))
        #expect(!rendered.plainText.contains("lecterncode"))
    }

    @Test func aDocumentCannotForgeTheHighlightersMarkers() {
        let rendered = MarkdownRenderer.render("lecterncode0n0x\n\n```python\nx = 1\n```\n")
        #expect(rendered.html.contains("<p>lecterncode0n0x</p>"))
        #expect(rendered.html.contains(#"x = <span class="tok-num">1</span>"#))
    }

    @Test func givesPlainTextAndTheFirstParagraph() {
        let rendered = MarkdownRenderer.render("## Heading\n\nFirst *paragraph*\nwraps here.\n\nSecond one.")
        #expect(rendered.firstParagraph == "First paragraph wraps here.")
        #expect(rendered.plainText.contains("Second one."))
        #expect(!rendered.plainText.contains("##"))
    }
}

@Suite struct ProseTextTests {
    @Test func searchTextLeavesCodeOutButWordCountsKeepIt() {
        let rendered = MarkdownRenderer.render("Intro words here.\n\n```python\nimport flask_sqlalchemy\n```\n\nOutro.")
        #expect(!rendered.proseText.contains("flask_sqlalchemy"))
        #expect(rendered.proseText.contains("Outro."))
        #expect(rendered.plainText.contains("flask_sqlalchemy"))
        #expect(rendered.html.contains("flask_sqlalchemy"))
    }
}
