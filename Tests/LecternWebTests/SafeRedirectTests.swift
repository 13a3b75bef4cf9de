import Testing

@testable import LecternWeb

@Suite struct SafeRedirectTests {
    @Test(arguments: ["/blog", "/account", "/blog/post-01?page=2", "/courses/flask-certificate#syllabus"])
    func localPathsAreKept(_ path: String) {
        #expect(SafeRedirect.path(path) == path)
    }

    @Test(arguments: [
        "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example", "javascript:alert(1)",
        "%2F%2Fevil.example", "/%2F%2Fevil.example", "/%5Cevil.example", "/%09/evil.example", "/\t/evil.example", "evil.example", "", " /blog",
        "http:/evil.example", "/blog\r\nSet-Cookie: x=1",
    ])
    func anythingElseFallsBackToTheAccount(_ path: String) {
        #expect(SafeRedirect.path(path) == "/account")
    }
}
