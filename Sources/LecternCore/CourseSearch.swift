import Foundation

/// Which courses a search finds: every part of the query in the course's title, subtitle, description, benefits,
/// outcomes or syllabus (module and lesson titles), words as prefixes and phrases exactly, the same rules as posts.
/// Lesson bodies are never searched: a visitor could otherwise learn what a lesson they may not read says.
public enum CourseSearch {
    /// The matching courses, those matching in their title or subtitle first, otherwise in catalogue order.
    public static func matches(_ query: SearchQuery, in courses: [CourseDetail]) -> [CourseDetail] {
        Index(courses).matches(query)
    }

    /// The catalogue with each course's words split once, to answer many searches (splitting a description is most
    /// of the work; matching is a scan of a few hundred words).
    public struct Index: Sendable {
        private struct Entry: Sendable {
            var course: CourseDetail
            var heading: [String]
            var all: [String]
        }

        private let entries: [Entry]

        public init(_ courses: [CourseDetail]) {
            entries = courses.map { course in
                let heading = CourseSearch.words(course.summary.title + " " + course.summary.subtitle)
                let body = CourseSearch.words(
                    ([course.summary.summary, CourseSearch.text(ofHTML: course.descriptionHTML)] + course.summary.benefits + course.outcomes
                        + course.modules + course.lessons.map(\.title)).joined(separator: " "))
                return Entry(course: course, heading: heading, all: heading + body)
            }
        }

        public func matches(_ query: SearchQuery) -> [CourseDetail] {
            let inTitle = entries.filter { CourseSearch.matches(query, $0.heading) }
            let elsewhere = entries.filter { !CourseSearch.matches(query, $0.heading) && CourseSearch.matches(query, $0.all) }
            return (inTitle + elsewhere).map(\.course)
        }
    }

    static func matches(_ query: SearchQuery, _ words: [String]) -> Bool {
        query.parts.allSatisfy { part in
            switch part {
            case .prefix(let typed):
                let prefix = fold(typed)
                return words.contains { $0.hasPrefix(prefix) }
            case .phrase(let typed):
                let phrase = typed.map(fold)
                return words.count >= phrase.count && (0...(words.count - phrase.count)).contains { Array(words[$0..<($0 + phrase.count)]) == phrase }
            }
        }
    }

    /// Lowercased words of letters and digits, accents folded, as the search index splits text.
    static func words(_ text: String) -> [String] {
        fold(text).split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
    }

    /// The text of an HTML fragment: tags dropped, the few entities the renderer writes turned back into characters.
    static func text(ofHTML html: String) -> String {
        var text = ""
        var inTag = false
        for character in html {
            if character == "<" { inTag = true } else if character == ">" { inTag = false; text.append(" ") } else if !inTag { text.append(character) }
        }
        return text.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
    }
}
