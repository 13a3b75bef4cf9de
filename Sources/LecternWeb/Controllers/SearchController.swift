import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// `/search?q=`: courses and published posts, posts with highlighted snippets; a spelling suggestion when nothing matches.
struct SearchController: Sendable {
    static let perPage = 10

    let publishing: Publishing
    let courseIndex: CourseSearchCache
    let renderer: PageRenderer
    let template: PageTemplate
    let pageCache: PageCache

    init(publishing: Publishing, renderer: PageRenderer, pageCache: PageCache) throws {
        self.pageCache = pageCache
        self.publishing = publishing
        self.courseIndex = CourseSearchCache(pages: pageCache, publishing: publishing)
        self.renderer = renderer
        self.template = try renderer.template("search")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/search", use: search)
    }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await pageCache.page(for: request, context: context, parameters: ["q", "page"]) { try await self.renderSearch(request, context: context) }
    }

    private func renderSearch(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let text = request.uri.queryParameters.get("q")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let page = try PageNumber.parse(request)
        var view = SearchView(
            site: renderer.site,
            meta: renderer.meta(
                title: text.isEmpty ? "Search" : "Search: \(text.prefix(60))", description: "Search the courses and the blog of \(renderer.site.name).", path: "/search",
                section: "search", noindex: true, session: context.session),
            query: String(text.prefix(SearchQuery.maxLength)),
            message: nil,
            results: [],
            resultCount: "",
            hasResults: false,
            pager: nil
        )
        guard !text.isEmpty else {
            view.message = "Type a word or two to search every course and post, for example “docker” or “sqlalchemy”."
            return renderer.render(view, with: template)
        }
        let query: SearchQuery
        do {
            query = try SearchQuery(text)
        } catch .tooLong {
            view.message = "That search is too long. Use at most \(SearchQuery.maxLength) characters."
            return renderer.render(view, with: template, status: .badRequest)
        } catch {
            view.message = "Search for words made of letters or digits; punctuation on its own finds nothing."
            return renderer.render(view, with: template)
        }
        let hits = try await publishing.search(query, page: page, perPage: Self.perPage)
        if hits.totalItems > 0 { try PageNumber.ensureExists(page, pageCount: hits.pageCount) }
        let now = Date()
        let found = page == 1 ? try await courseIndex.index().matches(query) : []
        view.courses = found.map { SearchCourseView($0, at: now, dates: renderer.dates) }
        view.hasCourses = !found.isEmpty
        view.results = hits.items.map { hit in
            SearchResultView(
                post: renderer.postCard(hit.post), titleHTML: Highlight.html(hit.titleHighlighted), snippetHTML: Highlight.html(hit.snippet))
        }
        view.hasResults = !hits.items.isEmpty
        view.resultCount =
            hits.totalItems > PostSearch.countLimit
            ? "More than \(PostSearch.countLimit.formatted()) posts match; add a word to narrow them"
            : hits.totalItems == 1 ? "1 post matches" : "\(hits.totalItems) posts match"
        if !view.hasResults && !view.hasCourses {
            view.message = "Nothing matches “\(text)”. Try fewer or different words."
            if let suggestion = try await publishing.suggestion(for: query) {
                view.suggestion = suggestion
                view.suggestionURL = "/search?q=\(suggestion.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            }
        }
        let escapedQuery = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        view.pager = PagerView(page: page, pageCount: hits.pageCount) { "/search?q=\(escapedQuery)&page=\($0)" }
        return renderer.render(view, with: template)
    }
}

/// Search snippets arrive as plain text with private-use marks around matches: escape everything, then turn the marks into `<mark>`.
enum Highlight {
    static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 32)
        for character in text {
            switch character {
            case SearchHit.highlightStart: out += "<mark>"
            case SearchHit.highlightEnd: out += "</mark>"
            default: HTMLText.append(character, to: &out)
            }
        }
        return out
    }
}
