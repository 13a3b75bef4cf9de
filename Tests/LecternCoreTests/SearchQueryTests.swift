import LecternCore
import Testing

@Suite struct SearchQueryTests {
    @Test func keepsOnlyWordsAndQuotesThemAsPrefixes() throws {
        let query = try SearchQuery("Flask  AND docker* NEAR(x y) -sqlalchemy")
        #expect(query.terms == ["flask", "and", "docker", "near", "x", "y", "sqlalchemy"])
        #expect(query.ftsPattern == "\"flask\"* \"and\"* \"docker\"* \"near\"* \"x\"* \"y\"* \"sqlalchemy\"*")
    }

    @Test func quotedWordsAreOneExactPhrase() throws {
        let query = try SearchQuery("\"Application Factory\" blue “NEAR(x)” \"unclosed phrase")
        #expect(query.parts == [.phrase(["application", "factory"]), .prefix("blue"), .phrase(["near", "x"]), .phrase(["unclosed", "phrase"])])
        #expect(query.ftsPattern == "\"application factory\" \"blue\"* \"near x\" \"unclosed phrase\"")
    }

    @Test func refusesEmptyAndOperatorOnlyQueries() {
        #expect(throws: SearchQuery.Problem.empty) { try SearchQuery("") }
        #expect(throws: SearchQuery.Problem.empty) { try SearchQuery("\"*\" ^ - :") }
    }

    @Test func refusesVeryLongQueries() {
        #expect(throws: SearchQuery.Problem.tooLong) { try SearchQuery(String(repeating: "a", count: 201)) }
    }

    @Test func capsTheNumberOfTerms() throws {
        let query = try SearchQuery((1...40).map { "w\($0)" }.joined(separator: " "))
        #expect(query.terms.count == SearchQuery.maxTerms)
    }
}
