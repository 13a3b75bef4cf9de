import Foundation
import LecternCore
import Testing

@Suite struct PostParserTests {
    static let good = """
        ---
        title: "Testing Flask applications"
        author: Maya Okafor
        date: 2026-09-24
        category: Testing
        tags: [pytest, flask, Flask]
        summary: How to test a Flask app.
        ---
        ## Fixtures

        Use the application factory.
        """

    func parse(_ text: String, path: String = "posts/testing-flask.md") throws(ContentProblem) -> (PostDocument, [ContentProblem]) {
        var warnings: [ContentProblem] = []
        let post = try PostParser.parse(path: path, data: Data(text.utf8), contentHash: "h", warnings: &warnings)
        return (post, warnings)
    }

    func reason(_ text: String, path: String = "posts/testing-flask.md") -> String? {
        do {
            _ = try parse(text, path: path)
            return nil
        } catch {
            #expect(error.path == path)
            return error.reason
        }
    }

    @Test func parsesAGoodPost() throws {
        let (post, warnings) = try parse(Self.good)
        #expect(post.slug == "testing-flask")
        #expect(post.title == "Testing Flask applications")
        #expect(post.author == "Maya Okafor")
        #expect(post.date == Date(timeIntervalSince1970: 1_790_208_000))
        #expect(post.category == "Testing")
        #expect(post.categorySlug == "testing")
        #expect(post.tags == ["pytest", "flask"])
        #expect(post.summary == "How to test a Flask app.")
        #expect(post.isDraft == false)
        #expect(post.html.contains("<h2>Fixtures</h2>"))
        #expect(post.readingMinutes == 1)
        #expect(post.excerpt == "Use the application factory.")
        #expect(warnings.isEmpty)
    }

    @Test func readingTimeFollowsTheWordCount() throws {
        let body = Array(repeating: "word", count: 661).joined(separator: " ")
        let (post, _) = try parse(Self.good + "\n\n" + body)
        #expect(post.wordCount == 661 + 5)
        #expect(post.readingMinutes == 4)
    }

    @Test func summaryFallsBackToAnExcerpt() throws {
        let text = Self.good.replacingOccurrences(of: "summary: How to test a Flask app.\n", with: "")
        let (post, _) = try parse(text + "\n\n" + String(repeating: "long words here ", count: 40))
        #expect(post.summary == "Use the application factory.")
    }

    @Test func draftsAndCommaSeparatedTags() throws {
        let text = Self.good.replacingOccurrences(of: "tags: [pytest, flask, Flask]", with: "tags: pytest, flask\ndraft: true")
        let (post, _) = try parse(text)
        #expect(post.isDraft)
        #expect(post.tags == ["pytest", "flask"])
    }

    @Test func missingTitleIsRefused() {
        #expect(reason(Self.good.replacingOccurrences(of: "title: \"Testing Flask applications\"\n", with: "")) == "missing required field 'title'")
    }

    @Test(arguments: ["2026-02-30", "24/09/2026", "tomorrow", "2026-13-01", "2026-09-24T25:00"])
    func badDatesAreRefused(_ date: String) throws {
        let why = try #require(reason(Self.good.replacingOccurrences(of: "date: 2026-09-24", with: "date: \(date)")))
        #expect(why.hasPrefix("'date' is not a valid date"))
    }

    @Test func dateTimesWithOffsetsAreUTC() throws {
        let (post, _) = try parse(Self.good.replacingOccurrences(of: "date: 2026-09-24", with: "date: 2026-09-24T10:30:00+02:00"))
        #expect(post.date == Date(timeIntervalSince1970: 1_790_208_000 + 8 * 3600 + 30 * 60))
    }

    @Test func invalidYAMLIsRefusedWithItsLine() throws {
        let why = try #require(reason(Self.good.replacingOccurrences(of: "tags: [pytest, flask, Flask]", with: "tags: [pytest, flask")))
        #expect(why.hasPrefix("invalid YAML in front matter"))
        #expect(why.contains("line"))
    }

    @Test func textThatIsNotUTF8IsRefused() {
        var warnings: [ContentProblem] = []
        var data = Data(Self.good.utf8)
        data.append(contentsOf: [0xFF, 0xFE, 0xC3])
        #expect(throws: ContentProblem(path: "posts/x.md", reason: "the file is not valid UTF-8 text: save it as UTF-8")) {
            try PostParser.parse(path: "posts/x.md", data: data, contentHash: "h", warnings: &warnings)
        }
    }

    @Test func filesWithoutFrontMatterAreRefused() throws {
        let why = try #require(reason("# Just markdown\n"))
        #expect(why.hasPrefix("no front matter"))
        #expect(reason("---\ntitle: x\n") == "front matter is not closed: add a line '---' after the YAML fields")
    }

    @Test func fileNamesMustBeSlugs() throws {
        let why = try #require(reason(Self.good, path: "posts/My First Post.md"))
        #expect(why.contains("rename it to 'my-first-post.md'"))
    }

    @Test func anExplicitSlugWinsAndIsChecked() throws {
        let (post, _) = try parse(Self.good.replacingOccurrences(of: "author:", with: "slug: pytest-guide\nauthor:"))
        #expect(post.slug == "pytest-guide")
        #expect(reason(Self.good.replacingOccurrences(of: "author:", with: "slug: Pytest Guide\nauthor:"))?.hasPrefix("'slug' must be") == true)
    }

    @Test func unknownFieldsAreWarnings() throws {
        let (_, warnings) = try parse(Self.good.replacingOccurrences(of: "author:", with: "tittle: typo\nauthor:"))
        #expect(warnings == [ContentProblem(path: "posts/testing-flask.md", reason: "unknown field 'tittle' is ignored", severity: .warning)])
    }

    @Test func windowsLineEndingsAndByteOrderMarksAreFine() throws {
        let (post, _) = try parse("\u{FEFF}" + Self.good.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(post.title == "Testing Flask applications")
    }

    @Test func coversMustBeLocalOrHTTPS() {
        #expect(
            reason(Self.good.replacingOccurrences(of: "author:", with: "cover: http://evil.example/x.png\nauthor:"))?.hasPrefix("'cover' must be")
                == true)
        #expect(
            reason(Self.good.replacingOccurrences(of: "author:", with: "cover: //evil.example/x.png\nauthor:"))?.hasPrefix("'cover' must be") == true)
        #expect(reason(Self.good.replacingOccurrences(of: "author:", with: "cover: /images/x.png\nauthor:")) == nil)
    }

    @Test(arguments: ["\u{0001}", "\u{0008}", "\u{000B}", "\u{000C}", "\u{FFFE}", "\u{FFFF}", "\u{202E}", "\u{2066}", "\u{200B}", "\u{E000}", "\u{0085}"])
    func controlAndInvisibleCharactersInFrontMatterAreRemovedWithAWarning(_ character: String) throws {
        // Double-quoted YAML escapes, so the characters reach the parser whatever YAML itself allows raw.
        let escaped = character.unicodeScalars.map { String(format: "\\U%08X", $0.value) }.joined()
        let text = Self.good
            .replacingOccurrences(of: "title: \"Testing Flask applications\"", with: "title: \"Testing\(escaped) Flask applications\"")
            .replacingOccurrences(of: "author: Maya Okafor", with: "author: \"Maya\(escaped) Okafor\"")
        let (post, warnings) = try parse(text)
        #expect(post.title == "Testing Flask applications")
        #expect(post.author == "Maya Okafor")
        #expect(!post.title.unicodeScalars.contains { $0 == character.unicodeScalars.first! })
        #expect(warnings.contains { $0.reason.contains("'title' contained control or invisible characters") })
        #expect(warnings.contains { $0.reason.contains("'author'") })
    }

    /// A date and time without an offset is read in the site's time zone; an explicit offset wins.
    @Test func aDateWithoutAnOffsetIsReadInTheSitesTimeZone() throws {
        let london = try #require(TimeZone(identifier: "Europe/London"))
        let summer = try #require(ContentDate.parse("2027-07-01 09:00", timeZone: london))
        #expect(summer == ContentDate.parse("2027-07-01T08:00:00Z"))
        #expect(ContentDate.parse("2027-07-01 09:00+02:00", timeZone: london) == ContentDate.parse("2027-07-01T07:00:00Z"))
        #expect(ContentDate.parse("2027-01-01 09:00", timeZone: london) == ContentDate.parse("2027-01-01 09:00"))
    }
}
