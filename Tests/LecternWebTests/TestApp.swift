import Foundation
import Hummingbird
import HummingbirdTesting
import LecternTestSupport
import LecternWeb
import Testing

/// The same application the CLI serves, built on a throwaway site.
func makeApp(_ site: TestSite) async throws -> some ApplicationProtocol {
    try await buildApplication(testConfiguration(site))
}

func testConfiguration(_ site: TestSite) -> AppConfiguration {
    var configuration = AppConfiguration(
        host: "127.0.0.1",
        port: 0,
        database: site.databaseLocation,
        contentPath: site.content.path,
        publicPath: TestSite.publicFolder,
        baseURL: "https://academy.example",
        logLevel: .critical,
        secureCookies: false
    )
    // Mail is sent before the response, so a test reads the outbox as soon as its request is answered.
    configuration.mailInBackground = false
    // The tests run the mailers themselves: the server's own round would take their notices when a test runs long.
    configuration.mailCatchUpInterval = nil
    // The live test client keeps one connection and does not make another when the server closes it: under the full
    // suite's load a test can sit longer than the 30 s a real client would be given, and then wait for ever.
    configuration.idleTimeout = .seconds(600)
    return configuration
}

extension TestClientProtocol {
    /// GETs `uri` and returns the status, headers and body as text.
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: String) {
        try await execute(uri: uri, method: .get, headers: headers) { response in
            (response.status, response.headers, String(buffer: response.body))
        }
    }
}

/// A blog of 12 posts (one a day from 1 March 2026) and the featured course.
func seedBlog(_ site: TestSite) throws {
    for day in 1...12 {
        try site.writePost(
            String(format: "post-%02d", day), title: "Post number \(day)", date: String(format: "2026-03-%02d", day),
            category: day % 2 == 0 ? "Databases" : "Flask", tags: day % 3 == 0 ? ["docker", "flask"] : ["flask"],
            body: "## Section\n\nParagraph about Flask number \(day).")
    }
    try site.writeCourse("flask-certificate")
}
