import Foundation
import LecternCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternTestSupport
import Testing

@testable import LecternWeb

/// Views reach Mustache through `ViewModel` (a generated switch), never through reflection.
@Suite final class ViewModelTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        try site.writeLesson("flask-certificate", "01-first-app")
        try site.writeLesson("flask-certificate", "02-routes", module: "Data")
    }

    deinit { site.delete() }

    struct Plain { var text = "read by Mirror" }
    struct Probe: ViewModel {
        static var mustacheKeys: [String] { ["fine", "plain", "plains"] }
        func child(named name: String) -> Any? {
            switch name {
            case "fine": "text"
            case "plain": Plain()
            case "plains": [Plain()]
            default: nil
            }
        }
        func fingerprint(into print: inout ViewPrint) { print.text("text") }
    }

    @Test func theAuditFindsAValueThatWouldBeReadByReflection() {
        let problems = ViewModelAudit.check(Probe(), record: false)
        #expect(problems.count == 2)
        #expect(problems.contains { $0.hasPrefix("Probe.plain is a Plain") })
        #expect(problems.contains { $0.hasPrefix("Probe.plains[0] is a Plain") })
    }

    @Test func theGeneratedConformancesAreUpToDate() throws {
        let script = URL(fileURLWithPath: TestSite.publicFolder).deletingLastPathComponent().appendingPathComponent("scripts/generate-view-models")
        let check = try ChildProcess.run("/usr/bin/env", ["python3", script.path, "--check"])
        #expect(check.status == 0, "run scripts/generate-view-models: \(check.output)\(check.errors)")
    }

    @Test func everyPageKindRendersWithoutReflection() async throws {
        try await makeApp(site).test(.router) { client in
            var visitor = Browser()
            for path in ["/", "/blog", "/blog?page=2", "/blog/post-03", "/blog/category/flask", "/blog/tag/docker", "/search?q=flask",
                "/search?q=zzzz", "/courses", "/courses/flask-certificate", "/courses/flask-certificate/lessons/first-app", "/register", "/login",
                "/password/forgot", "/password/reset/unknown-token", "/account/email/confirm/unknown", "/no-such-page"]
            {
                _ = try await visitor.get(client, path)
            }
            var learner = Browser()
            _ = try await learner.register(client, email: "ada@example.com")
            _ = try await learner.login(client, email: "ada@example.com")
            _ = try await learner.submit(client, form: "/courses/flask-certificate", to: "/courses/flask-certificate/enrol", [])
            for path in ["/courses/flask-certificate", "/courses/flask-certificate/lessons/first-app", "/dashboard", "/account",
                "/courses/flask-certificate/leave", "/blog/post-03"]
            {
                #expect(try await learner.get(client, path).status == .ok, "\(path)")
            }
            _ = try await learner.submit(client, form: "/account", to: "/account/profile", [("name", "")])
        }
        #expect(ViewModelAudit.findings.isEmpty, "\(ViewModelAudit.findings.prefix(5))")
    }
}
