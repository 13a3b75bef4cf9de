import Foundation
import LecternCLI
import LecternCore
import LecternStore
import Testing

/// `lectern code …`, `lectern enrolment requests|approve|decline|waitlist` and `lectern user verify`, as an operator runs them.
@Suite struct PlaceCommandTests {
    @Test func codesAreCreatedPrintedListedShownAndRevoked() async throws {
        let site = try await CLISite(enrolment: "code")
        let created = await site.lectern("code", "create", "flask-certificate", "--count", "3", "--note", "Acme Ltd, PO 4417", "--expires", "2099-03-31")
        #expect(created.status == 0)
        let codes = created.output.split(separator: "\n").map(String.init)
        #expect(codes.count == 3)
        #expect(codes.allSatisfy { AccessCode.normalize($0) == $0 })
        #expect(created.errors.contains("Created 3 codes for flask-certificate (3 places), working until 2099-04-01 00:00 UTC."))

        let csv = await site.lectern("code", "create", "flask-certificate", "--count", "2", "--uses-per-code", "5", "--csv")
        let rows = csv.output.split(separator: "\n")
        #expect(rows.first == "code,course,uses_per_code,expires,note")
        #expect(rows.count == 3 && rows[1].hasSuffix(",flask-certificate,5,,"))

        let list = await site.lectern("code", "list", "flask-certificate")
        #expect(list.output.contains("CODE") && list.output.contains("unused") && list.output.contains("Acme Ltd, PO 4417"))
        #expect(try await site.lectern("code", "list", "flask-certificate", "--json").array().count == 5)

        try await site.register("ada@example.com")
        let redeemed = try await site.database.accessCodes.redeem(
            codes[0].lowercased(), userID: try await site.register("bob@example.com").id, courseID: try await site.courseID)
        #expect(redeemed == .success(.enrolled))
        let shown = await site.lectern("code", "show", codes[0].replacingOccurrences(of: "-", with: ""))
        #expect(shown.output.contains("State:    used up") && shown.output.contains("bob@example.com"))

        #expect(await site.lectern("code", "revoke", codes[1]).output.contains("Revoked \(codes[1]): it gives no more places."))
        #expect(await site.lectern("code", "revoke", codes[1]).output.contains("already revoked; nothing to do"))
        let unknown = await site.lectern("code", "show", "22222-22222-22222")
        #expect(unknown.status == 1 && unknown.errors == "lectern: no access code '22222-22222-22222' exists\n")
    }

    @Test func badCodeOptionsSayWhatToFix() async throws {
        let site = try await CLISite(enrolment: "code")
        let none = await site.lectern("code", "create", "flask-certificate", "--count", "0")
        #expect(none.status != 0 && none.errors.contains("--count must be between 1 and 1000, not 0"))
        let date = await site.lectern("code", "create", "flask-certificate", "--count", "1", "--expires", "next week")
        #expect(date.status != 0 && date.errors.contains("--expires must be a date such as 2027-03-31"))
        let past = await site.lectern("code", "create", "flask-certificate", "--count", "1", "--expires", "2001-01-01")
        #expect(past.status == 1 && past.errors.contains("is in the past"))
        let course = await site.lectern("code", "create", "no-such-course", "--count", "1")
        #expect(course.status == 1 && course.errors.contains("no course has the slug 'no-such-course'"))
        #expect(try await site.lectern("code", "list", "flask-certificate", "--json").array().isEmpty)
    }

    @Test func requestsAreListedAndDecidedFromTheCommandLine() async throws {
        let site = try await CLISite(capacity: 1, enrolment: "approval")
        let ada = try await site.register("ada@example.com", name: "Ada")
        let bob = try await site.register("bob@example.com", name: "Bob")
        let requests = site.database.enrolmentRequests
        #expect(try await requests.request(userID: ada.id, courseID: try await site.courseID, note: "Acme pays") == .requested)
        #expect(try await requests.request(userID: bob.id, courseID: try await site.courseID, note: "Scholarship") == .waitlisted(position: 1))

        let listed = await site.lectern("enrolment", "requests", "flask-certificate")
        #expect(listed.output.contains("ada@example.com") && listed.output.contains("pending (holds a seat)") && listed.output.contains("Acme pays"))
        #expect(listed.output.contains("waiting for a seat (#1)"))
        let early = await site.lectern("enrolment", "approve", "bob@example.com", "flask-certificate")
        #expect(early.status == 1 && early.errors.contains("waits for a seat (number 1 on the waitlist)"))

        let approved = await site.lectern("enrolment", "approve", "ada@example.com", "flask-certificate", "--reason", "Welcome")
        #expect(approved.status == 0 && approved.output.contains("Approved ada@example.com's request for flask-certificate: enrolled."))
        let again = await site.lectern("enrolment", "approve", "ada@example.com", "flask-certificate")
        #expect(again.status == 1 && again.errors.contains("already enrolled"))
        let declined = try await site.lectern("enrolment", "decline", "bob@example.com", "flask-certificate", "--reason", "Full cohort", "--json").object()
        #expect(declined["result"] as? String == "declined")
        #expect(await site.lectern("enrolment", "requests", "flask-certificate").output.contains("No requests wait"))
        let nobody = await site.lectern("enrolment", "decline", "bob@example.com", "flask-certificate")
        #expect(nobody.status == 1 && nobody.errors.contains("has no request for flask-certificate waiting for a decision"))
    }

    @Test func theWaitlistIsListedInOrder() async throws {
        let site = try await CLISite(capacity: 1)
        try await site.register("ada@example.com")
        #expect(await site.enrol("ada@example.com").status == 0)
        #expect(await site.lectern("enrolment", "waitlist", "flask-certificate").output == "Nobody is waiting for a seat on flask-certificate.\n")
        for email in ["bob@example.com", "cy@example.com"] {
            let user = try await site.register(email)
            _ = try await site.database.waitlists.join(userID: user.id, courseID: try await site.courseID)
        }
        let table = await site.lectern("enrolment", "waitlist", "flask-certificate")
        let lines = table.output.split(separator: "\n")
        #expect(lines.count == 3 && lines[1].contains("bob@example.com") && lines[2].contains("cy@example.com"))
        // Raising the capacity fills the seat from the front of the queue.
        #expect(await site.lectern("course", "set-capacity", "flask-certificate", "2").status == 0)
        let after = try await site.lectern("enrolment", "waitlist", "flask-certificate", "--json").array()
        #expect(after.map { $0["email"] as? String } == ["cy@example.com"])
        #expect(after.first?["position"] as? Int == 1)
    }

    @Test func anOperatorVerifiesAnAddress() async throws {
        let site = try await CLISite()
        let ada = try await site.database.users.create(
            email: try EmailAddress("ada@example.com"), name: "Ada", passwordHash: "x", verified: false)
        #expect(await site.lectern("user", "show", "ada@example.com").output.contains("Address:  not verified"))
        let verified = await site.lectern("user", "verify", "ada@example.com")
        #expect(verified.status == 0 && verified.output == "ada@example.com is verified.\n")
        #expect(await site.lectern("user", "verify", "ada@example.com").output == "ada@example.com is already verified; nothing to do.\n")
        #expect(await site.lectern("user", "show", "ada@example.com").output.contains("Address:  verified"))
        #expect(try await site.database.users.user(id: ada.id)?.isEmailVerified == true)
        // Accounts an operator creates are verified: the operator vouches for the address.
        try await site.register("bob@example.com")
        #expect(try await site.lectern("user", "show", "bob@example.com", "--json").object()["user"].flatMap { ($0 as? [String: Any])?["email_verified"] as? Bool } == true)
    }
}
