import Foundation

/// A page of the site from `Content/pages/<slug>.md`, served at `/<slug>` (About, Contact, Terms, Privacy).
public struct SitePageDocument: Sendable, Equatable {
    public enum Navigation: String, Sendable {
        case footer
        case header
    }

    public var slug: String
    public var title: String
    public var summary: String
    /// Where the page is linked from on every page, if anywhere.
    public var nav: Navigation?
    public var html: String
    public var sourcePath: String
    public var contentHash: String
}

/// Someone who writes or teaches, from `Content/authors/<slug>.md`, served at `/authors/<slug>`.
public struct AuthorDocument: Sendable, Equatable {
    public var slug: String
    public var name: String
    public var role: String
    public var bioHTML: String
    /// A picture under `Public/`, with its description.
    public var photo: String?
    public var photoAlt: String?
    public var sourcePath: String
    public var contentHash: String
}

/// Reads pages and author profiles.
public enum SitePageParser {
    /// First path segments the site itself answers: a page cannot take them.
    public static let reservedSlugs: Set<String> = [
        "blog", "courses", "search", "login", "logout", "register", "account", "dashboard", "review", "certificates", "password", "authors",
        "feed", "sitemap", "healthz", "readyz", "metrics", "robots", "css", "js", "img", "images", "favicon", "api", "graphql", "live", "notifications", "static", "admin",
    ]
    static let pageFields: Set<String> = ["title", "summary", "nav"]
    static let authorFields: Set<String> = ["name", "role", "photo", "photo_alt"]

    public static func page(path: String, data: Data, contentHash: String, warnings: inout [ContentProblem]) throws(ContentProblem) -> SitePageDocument {
        let (slug, frontMatter) = try read(path: path, data: data, known: pageFields, warnings: &warnings)
        guard !reservedSlugs.contains(slug) else {
            throw ContentProblem(path: path, reason: "'/\(slug)' is one of the site's own addresses: rename the file")
        }
        do throws(FrontMatterError) {
            let navigation = try frontMatter.optionalText("nav")
            var nav: SitePageDocument.Navigation?
            if let navigation {
                guard let parsed = SitePageDocument.Navigation(rawValue: navigation) else {
                    throw FrontMatterError("'nav' must be footer or header, not '\(navigation)'")
                }
                nav = parsed
            }
            return SitePageDocument(
                slug: slug, title: try frontMatter.requiredText("title"), summary: try frontMatter.requiredText("summary"), nav: nav,
                html: MarkdownRenderer.render(frontMatter.body).html, sourcePath: path, contentHash: contentHash)
        } catch {
            throw ContentProblem(path: path, reason: error.message)
        }
    }

    public static func author(path: String, data: Data, contentHash: String, warnings: inout [ContentProblem]) throws(ContentProblem) -> AuthorDocument
    {
        let (slug, frontMatter) = try read(path: path, data: data, known: authorFields, warnings: &warnings)
        do throws(FrontMatterError) {
            let photo = try frontMatter.optionalText("photo")
            let alt = try frontMatter.optionalText("photo_alt")
            if photo != nil, alt == nil { throw FrontMatterError("the photo has no 'photo_alt': describe the picture") }
            return AuthorDocument(
                slug: slug, name: try frontMatter.requiredText("name"), role: try frontMatter.optionalText("role") ?? "",
                bioHTML: MarkdownRenderer.render(frontMatter.body).html, photo: photo, photoAlt: alt, sourcePath: path, contentHash: contentHash)
        } catch {
            throw ContentProblem(path: path, reason: error.message)
        }
    }

    private static func read(path: String, data: Data, known: Set<String>, warnings: inout [ContentProblem]) throws(ContentProblem) -> (String, FrontMatter)
    {
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ContentProblem(path: path, reason: "the file is not valid UTF-8 text: save it as UTF-8")
        }
        let name = (path as NSString).lastPathComponent
        let slug = name.hasSuffix(".md") ? String(name.dropLast(3)) : name
        guard Slug.isValid(slug) else {
            throw ContentProblem(path: path, reason: "the file name '\(slug)' is not a valid slug: rename it to '\(Slug.make(from: slug)).md'")
        }
        do throws(FrontMatterError) {
            let frontMatter = try FrontMatter(parsing: text)
            for reason in frontMatter.warnings(known: known) { warnings.append(ContentProblem(path: path, reason: reason, severity: .warning)) }
            return (slug, frontMatter)
        } catch {
            throw ContentProblem(path: path, reason: error.message)
        }
    }
}
