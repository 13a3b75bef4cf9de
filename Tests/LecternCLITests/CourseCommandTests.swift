import Foundation
import LecternCLI
import LecternCore
import LecternStore
import Testing

@Suite struct CourseCommandTests {
    @Test func closeStopsEnrolmentOpenOverridesTheDatesAndResetGoesBack() async throws {
        let site = try await CLISite(closes: "2020-01-01")
        try await site.register("ada@example.com")
        #expect(await site.enrol("ada@example.com").errors.contains("enrolment closed on 2020-01-01"))

        let open = await site.lectern("course", "open", "flask-certificate", "--json")
        #expect(open.status == 0)
        let opened = try #require(try open.object()["course"] as? [String: Any])
        #expect(opened["enrolment"] as? String == "open")
        #expect(opened["enrolment_set_by_operator"] as? Bool == true)
        #expect(await site.enrol("ada@example.com").status == 0)

        try await site.register("bob@example.com")
        #expect(await site.lectern("course", "close", "flask-certificate").status == 0)
        let refused = await site.enrol("bob@example.com")
        #expect(refused.status == 1)
        #expect(refused.errors.contains("reopen it with `lectern course open flask-certificate`"))

        // The operator's choice survives an import of a changed course file.
        try site.site.writeCourse("flask-certificate", title: "Renamed", capacity: 2, closes: "2020-01-01")
        #expect(await site.lectern("content", "sync").status == 0)
        let kept = try await site.lectern("course", "show", "flask-certificate", "--json").object()
        #expect((kept["enrolment_detail"] as? String ?? "").hasPrefix("closed by an operator on "))
        #expect(kept["title"] as? String == "Renamed")

        #expect(await site.lectern("course", "reset", "flask-certificate").status == 0)
        let after = try await site.lectern("course", "show", "flask-certificate", "--json").object()
        #expect(after["enrolment_detail"] as? String == "closed on 2020-01-01 00:00 UTC")
        #expect(after["enrolled"] as? Int == 1)
    }

    @Test func setCapacityLimitsSeatsNoneLiftsTheLimitAndNobodyLosesTheirPlace() async throws {
        let site = try await CLISite(capacity: 1)
        for email in ["a@example.com", "b@example.com", "c@example.com"] { try await site.register(email) }
        #expect(await site.enrol("a@example.com").status == 0)
        let full = await site.enrol("b@example.com")
        #expect(full.status == 1)
        #expect(full.errors.contains("the course is full (1 seat)"))

        #expect(await site.lectern("course", "set-capacity", "flask-certificate", "2").status == 0)
        #expect(await site.enrol("b@example.com").status == 0)
        #expect(await site.enrol("c@example.com").status == 1)

        let none = try await site.lectern("course", "set-capacity", "flask-certificate", "none", "--json").object()
        #expect((none["course"] as? [String: Any])?["capacity"] == nil)
        #expect(await site.enrol("c@example.com").status == 0)

        #expect(await site.lectern("course", "set-capacity", "flask-certificate", "1").status == 0)
        let shown = try await site.lectern("course", "show", "flask-certificate", "--json").object()
        #expect(shown["enrolled"] as? Int == 3)
        #expect(shown["seats_left"] as? Int == 0)
        #expect(shown["enrolment"] as? String == "full")
    }

    @Test func setCapacityRefusesWhatIsNotACount() async throws {
        let site = try await CLISite()
        for bad in ["-1", "abc", "1e3", "2000000", ""] {
            let run = await site.lectern("course", "set-capacity", "flask-certificate", bad)
            #expect(run.status != 0, "accepted '\(bad)'")
        }
        let run = await site.lectern("course", "set-capacity", "flask-certificate", "abc")
        #expect(run.errors.contains("the number of seats must be a whole number, or 'none' for no limit, not 'abc'"))
        let negative = await site.lectern("course", "set-capacity", "flask-certificate", "-3")
        #expect(negative.errors.contains("the number of seats cannot be negative (-3): use 0 to take no new learners"))
        #expect(!negative.errors.contains("Missing expected argument"))
        let dry = await site.lectern("course", "set-capacity", "flask-certificate", "9", "--dry-run")
        #expect(dry.status == 0)
        #expect(try await site.database.courses.course(slug: "flask-certificate")?.capacity == 2)
    }

    @Test func changesThatAreAlreadyInForceSayNothingToDo() async throws {
        let site = try await CLISite()
        #expect(await site.lectern("course", "close", "flask-certificate").output.hasPrefix("Closed flask-certificate: enrolment closed by an operator"))
        let again = await site.lectern("course", "close", "flask-certificate")
        #expect(again.status == 0 && again.output == "flask-certificate is already closed; nothing to do.\n")
        #expect(try await site.lectern("course", "close", "flask-certificate", "--json").object()["changed"] as? Bool == false)
        #expect(await site.lectern("course", "set-capacity", "flask-certificate", "1").output.contains("1 seat, 1 left"))
        #expect(await site.lectern("course", "set-capacity", "flask-certificate", "1").output == "flask-certificate is already set to 1 seat; nothing to do.\n")
        #expect(await site.lectern("course", "reset", "flask-certificate").output.hasPrefix("Reset flask-certificate"))
        #expect(await site.lectern("course", "reset", "flask-certificate").output == "flask-certificate is already following its course file; nothing to do.\n")
    }

    @Test func withJSONAnErrorIsAJSONObjectWithTheSameStatus() async throws {
        let site = try await CLISite()
        let unknown = await site.lectern("enrolment", "add", "nobody@example.com", "flask-certificate", "--json")
        #expect(unknown.status == 1 && unknown.output.isEmpty)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(unknown.errors.utf8)) as? [String: String])
        #expect(object["error"] == "no account has the address nobody@example.com (find it with `lectern user list --search <part of the name>`)")
        let negative = await site.lectern("course", "set-capacity", "flask-certificate", "-3", "--json")
        #expect(negative.status != 0)
        let refused = try #require(try JSONSerialization.jsonObject(with: Data(negative.errors.utf8)) as? [String: String])
        #expect(refused["error"] == "the number of seats cannot be negative (-3)")
        #expect(refused["hint"] == "use 0 to take no new learners, or 'none' for no limit")
        #expect(await site.lectern("enrolment", "add", "nobody@example.com", "flask-certificate").errors.hasPrefix("lectern: no account"))
    }

    @Test func showReportsEnrolledCompletedSeatsAndCompletionRate() async throws {
        let site = try await CLISite()
        let ada = try await site.register("ada@example.com", name: "Ada")
        try await site.register("bob@example.com")
        _ = await site.enrol("ada@example.com")
        _ = await site.enrol("bob@example.com")
        #expect(try await site.completeCourse(ada) != nil)

        let course = try await site.lectern("course", "show", "flask-certificate", "--json").object()
        #expect(course["enrolled"] as? Int == 2)
        #expect(course["completed"] as? Int == 1)
        #expect(course["completion_rate"] as? Double == 50)
        #expect(course["seats_left"] as? Int == 0)
        #expect(course["certificates_issued"] as? Int == 1)
        let lessons = try #require(course["lessons"] as? [[String: Any]])
        #expect(lessons.map { $0["completed_by"] as? Int } == [1, 1])

        let table = await site.lectern("course", "show", "flask-certificate")
        #expect(table.output.contains("Completed:    1 (50% of those enrolled)"))
        let list = try await site.lectern("course", "list", "--json").array()
        #expect(list.map { $0["slug"] as? String } == ["flask-certificate"])
    }

    @Test func anUnknownCourseIsAnErrorThatListsTheRealOnes() async throws {
        let site = try await CLISite()
        for command in [["course", "show"], ["course", "open"], ["course", "close"], ["course", "reset"]] {
            let run = await site.lectern(command + ["flask"])
            #expect(run.status == 1)
            #expect(run.errors == "lectern: no course has the slug 'flask'; courses: flask-certificate\n")
        }
    }
}
