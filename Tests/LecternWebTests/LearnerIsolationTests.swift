import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LecternTestSupport
import Mustache
import Testing

@testable import LecternWeb

/// Pages rendered for one learner never carry another's name, progress or form token, however requests interleave.
@Suite final class LearnerIsolationTests {
    let site: TestSite

    init() throws {
        site = try TestSite()
        try seedBlog(site)
        for (index, module) in ["Foundations", "Foundations", "Data", "Data"].enumerated() {
            try site.writeLesson("flask-certificate", "0\(index + 1)-lesson-\(index + 1)", module: module)
        }
    }

    deinit { site.delete() }

    @Test func twoLearnersInterleavedSeeOnlyTheirOwnPages() async throws {
        try await makeApp(site).test(.router) { client in
            var ada = Browser()
            var grace = Browser()
            _ = try await ada.register(client, name: "Ada Lovelace", email: "ada@example.com")
            _ = try await grace.register(client, name: "Grace Hopper", email: "grace@example.com")
            _ = try await ada.login(client, email: "ada@example.com")
            _ = try await grace.login(client, email: "grace@example.com")
            for browser in [ada, grace] {
                var browser = browser
                _ = try await browser.submit(client, form: "/courses/flask-certificate", to: "/courses/flask-certificate/enrol", [])
            }
            // Ada completes two lessons, Grace none.
            for lesson in ["lesson-1", "lesson-2"] {
                _ = try await ada.submit(
                    client, form: "/courses/flask-certificate/lessons/\(lesson)", to: "/courses/flask-certificate/lessons/\(lesson)/complete", [])
            }
            let adaToken = try await ada.get(client, "/account").csrf ?? "?"
            let graceToken = try await grace.get(client, "/account").csrf ?? "?"
            #expect(adaToken != graceToken)

            let pages = ["/courses/flask-certificate", "/courses/flask-certificate/lessons/lesson-3", "/dashboard", "/blog/post-03", "/", "/account"]
            let (adaJar, graceJar) = (ada.jar, grace.jar)
            let results = try await withThrowingTaskGroup(of: (String, String, String).self) { group in
                for round in 0..<6 {
                    for path in pages {
                        for (who, jar) in [("ada", adaJar), ("grace", graceJar)] {
                            group.addTask {
                                var browser = Browser()
                                browser.jar = jar
                                let page = try await browser.get(client, path)
                                return (who, "\(path) #\(round)", page.body)
                            }
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == pages.count * 12)
            for (who, path, body) in results {
                let (mine, theirs, myToken, theirToken) =
                    who == "ada" ? ("Ada Lovelace", "Grace Hopper", adaToken, graceToken) : ("Grace Hopper", "Ada Lovelace", graceToken, adaToken)
                #expect(!body.contains(theirs), "\(who) saw the other learner's name on \(path)")
                #expect(!body.contains(theirToken), "\(who) saw the other learner's token on \(path)")
                if path.hasPrefix("/account") || path.hasPrefix("/dashboard") { #expect(body.contains(mine) || body.contains(myToken), "\(path)") }
                if path.hasPrefix("/dashboard") {
                    // Ada finished 2 of 4 required lessons; Grace none.
                    #expect(body.contains(who == "ada" ? "value=\"50\"" : "value=\"0\""), "\(who) \(path)")
                    #expect(!body.contains(who == "ada" ? "value=\"0\"" : "value=\"50\""), "\(who) \(path)")
                }
            }
        }
    }

    @Test func aSkeletonFilledForALearnerIsTheSamePageAPlainRenderGives() async throws {
        let site = self.site
        // A name with every character HTML escaping touches, so the skeleton's escaping must match Mustache's.
        let cookies = try await makeApp(site).test(.router) { client in
            var ada = Browser()
            _ = try await ada.register(client, name: "<b>\"Ada's\"</b> & co", email: "ada@example.com")
            _ = try await ada.login(client, email: "ada@example.com")
            _ = try await ada.submit(client, form: "/courses/flask-certificate", to: "/courses/flask-certificate/enrol", [])
            _ = try await ada.submit(
                client, form: "/courses/flask-certificate/lessons/lesson-1", to: "/courses/flask-certificate/lessons/lesson-1/complete", [])
            return ada.jar
        }
        let pages = [
            "/courses/flask-certificate", "/courses/flask-certificate/lessons/lesson-1", "/courses/flask-certificate/lessons/lesson-2", "/dashboard",
            "/blog/post-03",
        ]
        func fetch(_ configuration: AppConfiguration) async throws -> [String] {
            try await buildApplication(configuration).test(.router) { client in
                var ada = Browser()
                ada.jar = cookies
                var bodies: [String] = []
                for path in pages + pages { bodies.append(try await ada.get(client, path).body) }  // the second round meets the skeletons
                // Each run counts Ada's view of the post once more: the count is the one thing allowed to differ.
                return bodies.map { $0.replacingOccurrences(of: #">[0-9,]+ views?<"#, with: ">N views<", options: .regularExpression) }
            }
        }
        var plain = testConfiguration(site)
        plain.pageCacheLifetime = .zero
        let expected = try await fetch(plain)
        let skeletal = try await fetch(testConfiguration(site))
        #expect(expected.count == skeletal.count)
        // Compare the second rounds: the first run moved Ada's place (the dashboard's "Continue"), so only from there are both runs alike.
        for (index, (want, got)) in zip(expected, skeletal).enumerated() where index >= pages.count {
            #expect(want == got, "\(pages[index % pages.count]) differs")
        }
        #expect(!skeletal.contains { $0.contains("\u{E001}") })
    }

    @Test func valuesAreEscapedExactlyAsMustacheEscapesThem() throws {
        for value in ["<b>\"Ada's\"</b> & co", "plain", "", "é & ü <script>", "'\"<>&&amp;"] {
            let template = try MustacheTemplate(string: "{{x}}")
            #expect(PageSkeleton.escape(value) == template.render(["x": value]))
        }
    }

    @Test func contentThatLooksLikeAMarkerIsShownAsWritten() async throws {
        try site.writeFile(
            "courses/flask-certificate/lessons/05-markers.md",
            "---\ntitle: \"Markers\"\nmodule: Data\n---\nBefore \u{E001}0\u{E001} and \u{E001}1\u{E001} after.\n")
        try await makeApp(site).test(.router) { client in
            var ada = Browser()
            _ = try await ada.register(client, email: "ada@example.com")
            _ = try await ada.login(client, email: "ada@example.com")
            _ = try await ada.submit(client, form: "/courses/flask-certificate", to: "/courses/flask-certificate/enrol", [])
            for _ in 0..<2 {
                let page = try await ada.get(client, "/courses/flask-certificate/lessons/markers")
                #expect(page.body.contains("Before \u{E001}0\u{E001} and \u{E001}1\u{E001} after."))
            }
        }
    }
}
