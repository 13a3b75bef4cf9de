import Foundation
import LecternCLI
import LecternStore
import Testing

@Suite struct EnrolmentCommandTests {
    @Test func addAndRemoveAreIdempotentLikeTheWebsite() async throws {
        let site = try await CLISite()
        try await site.register("ada@example.com")
        let first = try await site.lectern("enrolment", "add", "ada@example.com", "flask-certificate", "--json").object()
        #expect(first["result"] as? String == "enrolled")
        let second = try await site.lectern("enrolment", "add", "ada@example.com", "flask-certificate", "--json").object()
        #expect(second["result"] as? String == "already-enrolled")
        #expect(try await site.lectern("enrolment", "list", "--json").array().count == 1)

        let dry = await site.lectern("enrolment", "remove", "ada@example.com", "flask-certificate", "--dry-run")
        #expect(dry.output.contains("Would remove"))
        #expect(try await site.lectern("enrolment", "list", "--json").array().count == 1)
        let removed = try await site.lectern("enrolment", "remove", "ada@example.com", "flask-certificate", "--json").object()
        #expect(removed["result"] as? String == "removed")
        let again = try await site.lectern("enrolment", "remove", "ada@example.com", "flask-certificate", "--json").object()
        #expect(again["result"] as? String == "not-enrolled")
    }

    @Test func anOperatorAdmitsOneLearnerBeyondCapacityWithAReason() async throws {
        let site = try await CLISite()
        try await site.register("ada@example.com")
        try await site.register("bob@example.com")
        #expect(await site.lectern("course", "set-capacity", "flask-certificate", "1").status == 0)
        #expect(await site.lectern("enrolment", "add", "ada@example.com", "flask-certificate").status == 0)
        let full = await site.lectern("enrolment", "add", "bob@example.com", "flask-certificate")
        #expect(full.status == 1 && full.errors.contains("or admit this learner with --over-capacity --reason TEXT"))
        let noReason = await site.lectern("enrolment", "add", "bob@example.com", "flask-certificate", "--over-capacity")
        #expect(noReason.status != 0 && noReason.errors.contains("--over-capacity needs a --reason"))
        let strayReason = await site.lectern("enrolment", "add", "bob@example.com", "flask-certificate", "--reason", "why")
        #expect(strayReason.status != 0 && strayReason.errors.contains("--reason goes with --over-capacity"))
        let admitted = await site.lectern(
            "enrolment", "add", "bob@example.com", "flask-certificate", "--over-capacity", "--reason", "Sponsored by Acme, PO 4417")
        #expect(admitted.status == 0)
        let listed = try await site.lectern("enrolment", "list", "--json").array()
        #expect(listed.count == 2)
        #expect(listed.first { $0["email"] as? String == "bob@example.com" }?["over_capacity_reason"] as? String == "Sponsored by Acme, PO 4417")
        #expect(listed.first { $0["email"] as? String == "ada@example.com" }?["over_capacity_reason"] == nil)
    }

    @Test func badInputGetsOneLineAndExitOne() async throws {
        let site = try await CLISite()
        try await site.register("ada@example.com")
        let noUser = await site.lectern("enrolment", "add", "nobody@example.com", "flask-certificate")
        #expect(noUser.status == 1)
        #expect(noUser.errors.hasPrefix("lectern: no account has the address nobody@example.com"))
        let noCourse = await site.lectern("enrolment", "add", "ada@example.com", "nope")
        #expect(noCourse.errors == "lectern: no course has the slug 'nope'; courses: flask-certificate\n")
        let badEmail = await site.lectern("enrolment", "remove", "ada", "flask-certificate")
        #expect(badEmail.errors == "lectern: 'ada' is not an email address\n")
        let both = await site.lectern("enrolment", "list", "--csv", "--json")
        #expect(both.status != 0)
        let missing = await site.lectern("enrolment", "list", "--course", "nope")
        #expect(missing.status == 1)
    }

    @Test func csvHasAHeaderQuotesCommasAndDefusesFormulas() async throws {
        let site = try await CLISite()
        try await site.register("ada@example.com", name: "Lovelace, Ada")
        try await site.register("eve@example.com", name: "=HYPERLINK(\"http://x\")")
        _ = await site.enrol("ada@example.com")
        _ = await site.enrol("eve@example.com")
        let run = await site.lectern("enrolment", "list", "--course", "flask-certificate", "--csv")
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "email,name,course,enrolled_at,lessons_completed,lessons_required,percent,certificate")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("ada@example.com,\"Lovelace, Ada\",flask-certificate,"))
        #expect(lines[2].hasPrefix("eve@example.com,\"'=HYPERLINK(\"\"http://x\"\")\",flask-certificate,"))
        #expect(lines[1].hasSuffix(",0,2,0,"))
        let json = try await site.lectern("enrolment", "list", "--json").array()
        #expect(Set(json[0].keys) == ["email", "name", "course", "enrolled_at", "lessons_completed", "lessons_required", "percent"])
    }
}

@Suite struct CertificateCommandTests {
    @Test func listShowsIssuedCertificatesAndRevokeMarksOne() async throws {
        let site = try await CLISite()
        let ada = try await site.register("ada@example.com", name: "Ada")
        _ = await site.enrol("ada@example.com")
        let code = try #require(try await site.completeCourse(ada))

        let listed = try await site.lectern("certificate", "list", "--course", "flask-certificate", "--json").array()
        #expect(listed.map { $0["code"] as? String } == [code])
        #expect(listed[0]["email"] as? String == "ada@example.com")

        let dry = await site.lectern("certificate", "revoke", code.lowercased(), "--reason", "Issued in error", "--dry-run")
        #expect(dry.status == 0)
        #expect(try await site.database.enrolments.certificate(code: code)?.revokedAt == nil)
        let revoke = try await site.lectern("certificate", "revoke", code.lowercased(), "--reason", "Issued in error", "--json").object()
        #expect(revoke["code"] as? String == code)
        #expect(try await site.database.enrolments.certificate(code: code)?.revokeReason == "Issued in error")
        let twice = await site.lectern("certificate", "revoke", code, "--reason", "again")
        #expect(twice.status == 0)
        #expect(twice.output == "certificate \(code) is already revoked (Issued in error); nothing to do.\n")
        let unknown = await site.lectern("certificate", "revoke", "NOPE", "--reason", "x")
        #expect(unknown.status == 1)
        let empty = await site.lectern("certificate", "list", "--course", "nope")
        #expect(empty.status == 1)
    }

    @Test func reissueGivesACorrectedCertificateANewCodeAndMarksTheOldOneReplaced() async throws {
        let site = try await CLISite()
        let ada = try await site.register("ada@example.com", name: "Ada")
        _ = await site.enrol("ada@example.com")
        let code = try #require(try await site.completeCourse(ada))

        let blank = await site.lectern("certificate", "reissue", code, "--name", "  ")
        #expect(blank.status == 1 && blank.errors.hasPrefix("lectern: --name: "))
        let dry = await site.lectern("certificate", "reissue", code, "--name", "Ada King", "--dry-run")
        #expect(dry.status == 0)
        #expect(try await site.database.enrolments.certificate(code: code)?.replacedBy == nil)
        let reissued = try await site.lectern("certificate", "reissue", code.lowercased(), "--name", "Ada King", "--json").object()
        let newCode = try #require(reissued["code"] as? String)
        #expect(reissued["replaced"] as? String == code && newCode != code && reissued["learner"] as? String == "Ada King")
        #expect(try await site.database.enrolments.certificate(code: code)?.replacedBy == newCode)
        let listed = await site.lectern("certificate", "list")
        #expect(listed.output.contains("replaced by \(newCode)"))
        let again = await site.lectern("certificate", "reissue", code)
        #expect(again.errors == "lectern: this certificate was already replaced by \(newCode): reissue that one instead\n")
        #expect(await site.lectern("certificate", "reissue", "NOPE").status == 1)
    }
}

@Suite struct MailCommandTests {
    @Test func listAndShowTheOutbox() async throws {
        let site = try await CLISite()
        #expect(await site.lectern("mail", "list").output == "The outbox is empty.\n")
        let id = try await site.database.outbox.add(
            recipient: "ada@example.com", subject: "Reset your password", body: "Follow the link.")
        let list = try await site.lectern("mail", "list", "--json").array()
        #expect(list.first?["id"] as? Int == Int(id))
        #expect(Set(list[0].keys) == ["id", "to", "subject", "created_at"])
        let show = try await site.lectern("mail", "show", "\(id)", "--json").object()
        #expect(show["body"] as? String == "Follow the link.")
        #expect(await site.lectern("mail", "show", "42").errors.contains("there is no message 42"))
        #expect(await site.lectern("mail", "show", "forty-two").status != 0)
    }
}
