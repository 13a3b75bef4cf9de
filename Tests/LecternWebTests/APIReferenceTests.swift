import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternTestSupport
import LecternWeb
import Testing
import Yams

/// `/api/docs`: the contract as a page, rendered on the server from the same `openapi.yaml` the server serves.
@Suite final class APIReferenceTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
    }

    deinit { site.delete() }

    @Test func everyOperationOfTheContractIsOnThePage() async throws {
        try await makeApp(site).test(.router) { client in
            let contract = try await client.get("/api/openapi.yaml")
            let document = try #require(try Yams.load(yaml: contract.body) as? [String: Any])
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let page = try await client.get("/api/docs")
            #expect(page.status == .ok && page.headers[.contentType]?.hasPrefix("text/html") == true)
            var operations = 0
            for (path, item) in paths {
                for method in ["get", "put", "post", "patch", "delete"] {
                    guard let operation = item[method] as? [String: Any], let id = operation["operationId"] as? String else { continue }
                    operations += 1
                    #expect(page.body.contains(#"id="\#(id)""#), "\(method) \(path) has its own entry")
                    let summary = try #require(operation["summary"] as? String)
                    #expect(page.body.contains(summary.replacingOccurrences(of: "'", with: "&#39;")), "\(id)'s summary")
                }
            }
            #expect(operations > 30)
            #expect(page.body.contains("Operations (\(operations))"))
            #expect(!page.body.contains("<script>") && page.body.range(of: #"\son[a-z]+="#, options: .regularExpression) == nil, "no inline script")
            #expect(page.body.contains("An administrator: a token with the admin scope"), "who may call, from x-scope")
        }
    }
}
