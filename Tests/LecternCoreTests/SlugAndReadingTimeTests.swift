import LecternCore
import Testing

@Suite struct SlugTests {
    @Test(arguments: ["flask", "sqlalchemy-2-0", "a1-b2-c3"])
    func acceptsLowercaseWordsJoinedByHyphens(_ slug: String) {
        #expect(Slug.isValid(slug))
    }

    @Test(arguments: ["", "Flask", "-flask", "flask-", "flask--intro", "flask intro", "flask_intro", "fläsk", "../etc"])
    func refusesAnythingElse(_ slug: String) {
        #expect(!Slug.isValid(slug))
    }

    @Test func makesSlugsFromFreeText() {
        #expect(Slug.make(from: "Real-time") == "real-time")
        #expect(Slug.make(from: "  SQLAlchemy 2.0!  ") == "sqlalchemy-2-0")
        #expect(Slug.make(from: "Tomás Lindqvist") == "tomas-lindqvist")
        #expect(Slug.make(from: "???") == "")
    }
}

@Suite struct ReadingTimeTests {
    @Test func isWordsOver220RoundedUpAndAtLeastOne() {
        #expect(ReadingTime.minutes(forWords: 0) == 1)
        #expect(ReadingTime.minutes(forWords: 1) == 1)
        #expect(ReadingTime.minutes(forWords: 220) == 1)
        #expect(ReadingTime.minutes(forWords: 221) == 2)
        #expect(ReadingTime.minutes(forWords: 440) == 2)
        #expect(ReadingTime.minutes(forWords: 1101) == 6)
    }

    @Test func countsWordsNotPunctuation() {
        #expect(ReadingTime.wordCount("Hello, world — this is   Flask 3.1!") == 6)
        #expect(ReadingTime.wordCount(" \n\t ") == 0)
        #expect(ReadingTime.wordCount("naïve café") == 2)
    }
}
