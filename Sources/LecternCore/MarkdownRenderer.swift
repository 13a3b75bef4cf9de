import CCmarkGFM
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The result of rendering a Markdown document once, at import time.
public struct RenderedMarkdown: Sendable, Equatable {
    /// Safe HTML: raw HTML is omitted and `javascript:`-style links are emptied by cmark-gfm's safe mode.
    public var html: String
    /// The whole document as plain text, code included, for word counts.
    public var plainText: String
    /// The prose without code blocks, for full-text search and its snippets (code makes unreadable snippets).
    public var proseText: String
    /// The plain text of the first top-level paragraph, for excerpts.
    public var firstParagraph: String
}

/// Renders Markdown with GitHub's cmark-gfm: CommonMark plus the table, strikethrough, autolink,
/// tagfilter and tasklist extensions, in safe mode; fenced code in a known language is highlighted (`CodeHighlighter`).
public enum MarkdownRenderer {
    /// Bump when rendering changes, so that a content sync re-renders files whose text did not change.
    public static let version = 3  // 2: code blocks highlighted; 3: code blocks reachable by keyboard

    private static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]
    // Registration mutates a global list inside libcmark-gfm: do it exactly once, before any parse.
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()
    /// cmark-gfm keeps the inline parser's table of special characters in a global that each parse with extensions
    /// changes and restores (github/cmark-gfm#176), so two parses at once can drop `~~` or autolinks from either: one
    /// parse at a time. Rendering the tree to HTML, and highlighting, run outside the lock.
    private static let parsing = NSLock()

    public static func render(_ markdown: String) -> RenderedMarkdown {
        precondition(registered)
        // Smart punctuation turns "--" and straight quotes into typographic ones; safe mode is the default (no CMARK_OPT_UNSAFE).
        let options = CMARK_OPT_DEFAULT | CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8
        guard let parser = cmark_parser_new(options) else { return RenderedMarkdown(html: "", plainText: "", proseText: "", firstParagraph: "") }
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let syntaxExtension = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntaxExtension)
            }
        }
        let parsed: OpaquePointer? = parsing.withLock {
            markdown.utf8CString.withUnsafeBufferPointer { buffer in
                cmark_parser_feed(parser, buffer.baseAddress, buffer.count - 1)
            }
            return cmark_parser_finish(parser)
        }
        guard let document = parsed else { return RenderedMarkdown(html: "", plainText: "", proseText: "", firstParagraph: "") }
        defer { cmark_node_free(document) }

        let extensions = cmark_parser_get_syntax_extensions(parser)
        let plainText = take(cmark_render_plaintext(document, options, 0))

        var codeBlocks: [OpaquePointer] = []
        if let iterator = cmark_iter_new(document) {
            while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
                if let node = cmark_iter_get_node(iterator), cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK {
                    codeBlocks.append(node)
                }
            }
            cmark_iter_free(iterator)
        }
        // Safe mode drops raw HTML, so a highlighted block cannot go in as an HTML node: each block's text becomes a
        // marker no document can contain (a random nonce), and the marker in cmark's output is swapped for the spans.
        let nonce = Digest.hex((0..<12).map { _ in UInt8.random(in: 0...255) })
        var highlighted: [(marker: String, html: String)] = []
        for (index, node) in codeBlocks.enumerated() {
            let language = cmark_node_get_fence_info(node).map { String(cString: $0) } ?? ""
            let code = cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
            guard let spans = CodeHighlighter.highlight(code, language: language) else { continue }
            let marker = "lecterncode\(nonce)n\(index)x"
            cmark_node_set_literal(node, marker)
            highlighted.append((marker, spans))
        }
        var html = take(cmark_render_html(document, options, extensions))
        for block in highlighted {
            html = html.replacingOccurrences(of: block.marker, with: block.html)
        }
        // A code block wider than the column scrolls sideways, and a keyboard can scroll only what it can focus
        // (WCAG 2.1.1; axe's scrollable-region-focusable). Safe mode escapes any "<pre>" written in a document, so
        // each one here is a code block's.
        html = html.replacingOccurrences(of: "<pre>", with: "<pre tabindex=\"0\">")
        var firstParagraph = ""
        var node = cmark_node_first_child(document)
        while let current = node {
            if cmark_node_get_type(current) == CMARK_NODE_PARAGRAPH {
                firstParagraph = take(cmark_render_plaintext(current, options, 0))
                break
            }
            node = cmark_node_next(current)
        }
        for node in codeBlocks { cmark_node_free(node) }  // unlinks each block; the HTML is already rendered
        let proseText = take(cmark_render_plaintext(document, options, 0))
        return RenderedMarkdown(
            html: html,
            plainText: plainText,
            proseText: proseText,
            firstParagraph: firstParagraph.split(whereSeparator: \.isNewline).joined(separator: " ")
        )
    }

    private static func take(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
