import Foundation

/// Turns the bytes of a post file into a `PostDocument`, or a one-line reason for the editor.
public enum PostParser {
    public static let knownFields: Set<String> = ["title", "author", "date", "category", "tags", "summary", "cover", "cover_alt", "draft", "slug"]
    static let maxTitleLength = 200
    static let maxSummaryLength = 400
    static let excerptLength = 240

    /// Parses one file. `path` is relative to the content folder (`posts/<name>.md`); warnings (unknown fields) are appended to `warnings`.
    /// `timeZone`: the site's, in which a `date` written without an offset is read.
    public static func parse(
        path: String, data: Data, contentHash: String, timeZone: TimeZone = ContentDate.utc, warnings: inout [ContentProblem]
    ) throws(ContentProblem) -> PostDocument {
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ContentProblem(path: path, reason: "the file is not valid UTF-8 text: save it as UTF-8")
        }
        do throws(FrontMatterError) {
            let frontMatter = try FrontMatter(parsing: text)
            for reason in frontMatter.warnings(known: knownFields) {
                warnings.append(ContentProblem(path: path, reason: reason, severity: .warning))
            }
            let slug = try slug(for: path, frontMatter: frontMatter)
            let title = try frontMatter.requiredText("title")
            guard title.count <= maxTitleLength else { throw FrontMatterError("'title' is longer than \(maxTitleLength) characters") }
            let author = try frontMatter.requiredText("author")
            let date = try frontMatter.requiredDate("date", timeZone: timeZone)
            let category = try frontMatter.optionalText("category") ?? "General"
            guard !Slug.make(from: category).isEmpty else { throw FrontMatterError("'category' needs at least one letter or digit") }
            var tags: [String] = []
            for tag in try frontMatter.textList("tags") {
                guard !Slug.make(from: tag).isEmpty else { throw FrontMatterError("tag '\(tag)' needs at least one letter or digit") }
                if !tags.contains(where: { Slug.make(from: $0) == Slug.make(from: tag) }) { tags.append(tag) }
            }
            let cover = try frontMatter.optionalText("cover")
            if let cover, !(cover.hasPrefix("/") && !cover.hasPrefix("//")) && !cover.hasPrefix("https://") {
                throw FrontMatterError("'cover' must be a path on this site (starting with '/') or an https:// address")
            }
            let isDraft = try frontMatter.bool("draft")

            let rendered = MarkdownRenderer.render(frontMatter.body)
            let words = ReadingTime.wordCount(rendered.plainText)
            let excerpt = Excerpt.make(from: rendered.firstParagraph.isEmpty ? rendered.proseText : rendered.firstParagraph, limit: excerptLength)
            let summary = try frontMatter.optionalText("summary") ?? excerpt
            guard summary.count <= maxSummaryLength else { throw FrontMatterError("'summary' is longer than \(maxSummaryLength) characters") }

            return PostDocument(
                slug: slug,
                title: title,
                author: author,
                date: date,
                category: category,
                tags: tags,
                summary: summary,
                cover: cover,
                coverAlt: try frontMatter.optionalText("cover_alt"),
                isDraft: isDraft,
                html: rendered.html,
                searchText: rendered.proseText,
                excerpt: excerpt,
                wordCount: words,
                readingMinutes: ReadingTime.minutes(forWords: words),
                sourcePath: path,
                contentHash: contentHash
            )
        } catch {
            throw ContentProblem(path: path, reason: error.message)
        }
    }

    /// The slug is the file name unless front matter sets `slug:`; either must already be a valid slug.
    static func slug(for path: String, frontMatter: FrontMatter) throws(FrontMatterError) -> String {
        if let explicit = try frontMatter.optionalText("slug") {
            guard Slug.isValid(explicit) else {
                throw FrontMatterError("'slug' must be lowercase letters, digits and single hyphens, e.g. '\(Slug.make(from: explicit))'")
            }
            return explicit
        }
        let fileName = (path as NSString).lastPathComponent
        let base = fileName.hasSuffix(".md") ? String(fileName.dropLast(3)) : fileName
        guard Slug.isValid(base) else {
            let suggestion = Slug.make(from: base)
            throw FrontMatterError(
                "the file name '\(fileName)' is not a valid slug: rename it to '\(suggestion.isEmpty ? "my-post" : suggestion).md' (lowercase letters, digits and hyphens)"
            )
        }
        return base
    }
}

/// Excerpts for cards and descriptions: whole words, at most `limit` characters, with an ellipsis when cut.
public enum Excerpt {
    public static func make(from text: String, limit: Int) -> String {
        let collapsed = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard collapsed.count > limit else { return collapsed }
        let cut = collapsed.prefix(limit)
        let wordBoundary = cut.lastIndex(of: " ") ?? cut.endIndex
        let trimmed = cut[..<wordBoundary].trimmingCharacters(in: CharacterSet(charactersIn: " ,;:.-–—"))
        return trimmed + "…"
    }
}
