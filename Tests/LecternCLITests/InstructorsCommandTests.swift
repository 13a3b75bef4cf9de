import Foundation
import LecternCLI
import LecternCore
import LecternStore
import Testing

/// `lectern course instructors`: who reviews a course's checkpoints.
@Suite struct InstructorsCommandTests {
    @Test func addListAndRemoveAnInstructor() async throws {
        let site = try await CLISite()
        try await site.register("maya@example.com", name: "Maya Okafor")
        let empty = await site.lectern("course", "instructors", "list", "flask-certificate")
        #expect(empty.status == 0)
        #expect(empty.output.contains("has no instructors yet"))

        let added = await site.lectern("course", "instructors", "add", "flask-certificate", "Maya@Example.com")
        #expect(added.status == 0, "\(added.errors)")
        #expect(added.output.contains("is now an instructor of flask-certificate"))
        #expect(await site.lectern("course", "instructors", "add", "flask-certificate", "maya@example.com").output.contains("is already an instructor of flask-certificate; nothing to do"))
        let listed = try await site.lectern("course", "instructors", "list", "flask-certificate", "--json").array()
        #expect(listed.count == 1)
        #expect(listed.first?["name"] as? String == "Maya Okafor")

        #expect(await site.lectern("course", "instructors", "remove", "flask-certificate", "maya@example.com").status == 0)
        let again = await site.lectern("course", "instructors", "remove", "flask-certificate", "maya@example.com")
        #expect(again.status == 0)
        #expect(again.output.contains("is not an instructor of flask-certificate; nothing to do"))
    }

    @Test func aDryRunChangesNothingAndUnknownNamesAreClearErrors() async throws {
        let site = try await CLISite()
        try await site.register("maya@example.com")
        let dry = await site.lectern("course", "instructors", "add", "flask-certificate", "maya@example.com", "--dry-run")
        #expect(dry.status == 0)
        #expect(dry.output.contains("Dry run: nothing was changed."))
        #expect(await site.lectern("course", "instructors", "list", "flask-certificate").output.contains("has no instructors yet"))
        let course = await site.lectern("course", "instructors", "add", "no-such-course", "maya@example.com")
        #expect(course.status == 1)
        #expect(course.errors.contains("there is no course 'no-such-course'"))
        let user = await site.lectern("course", "instructors", "add", "flask-certificate", "nobody@example.com")
        #expect(user.status == 1)
        #expect(user.errors.contains("there is no account with the address nobody@example.com"))
    }
}
