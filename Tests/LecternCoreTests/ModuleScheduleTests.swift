import Foundation
import Testing

@testable import LecternCore

/// A course's modules may open some days after a learner enrols (`opens_after_days`).
@Suite struct ModuleScheduleTests {
    func parse(_ modules: String) throws(ContentProblem) -> CourseDocument {
        var warnings: [ContentProblem] = []
        let text = "---\ntitle: Paced\nprice: \"£1\"\nmodules:\n\(modules)\n---\nBody.\n"
        return try CourseParser.parse(path: "courses/paced/course.md", data: Data(text.utf8), contentHash: "x", warnings: &warnings)
    }

    @Test func modulesAreTitlesOrTitlesWithTheDayTheyOpen() throws {
        let course = try parse("  - Basics\n  - title: Later\n    opens_after_days: 14")
        #expect(course.modules == ["Basics", "Later"])
        #expect(course.moduleOpensAfterDays == [0, 14])
    }

    @Test(arguments: [
        ("  - title: Later\n    opens_after_days: soon", "'opens_after_days' of module 'Later' must be a whole number of days, 0 or more, not 'soon'"),
        ("  - title: Later\n    opens_after_days: -3", "'opens_after_days' of module 'Later' must be a whole number of days, 0 or more, not '-3'"),
        ("  - opens_after_days: 3", "module 1 in 'modules' needs a 'title'"),
        ("  - title: Later\n    opens: 3", "module 1 in 'modules' has an unknown field 'opens' (use 'title' and 'opens_after_days')"),
    ])
    func aBadScheduleIsRefusedWithTheReason(modules: String, reason: String) {
        #expect(throws: ContentProblem(path: "courses/paced/course.md", reason: reason)) { try parse(modules) }
    }

    @Test func aModuleIsLockedUntilItsDayAfterEnrolment() {
        let enrolled = Date(timeIntervalSince1970: 1_000_000)
        let modules = ["Basics", "Later"]
        #expect(ModuleSchedule.opens(module: "Basics", modules: modules, opensAfterDays: [0, 7], enrolledAt: enrolled) == nil)
        let opens = ModuleSchedule.opens(module: "Later", modules: modules, opensAfterDays: [0, 7], enrolledAt: enrolled)
        #expect(opens == enrolled.addingTimeInterval(7 * 86_400))
        #expect(ModuleSchedule.isLocked(module: "Later", modules: modules, opensAfterDays: [0, 7], enrolledAt: enrolled, now: enrolled.addingTimeInterval(86_400)))
        #expect(!ModuleSchedule.isLocked(module: "Later", modules: modules, opensAfterDays: [0, 7], enrolledAt: enrolled, now: enrolled.addingTimeInterval(7 * 86_400)))
        #expect(ModuleSchedule.opens(module: "Later", modules: modules, opensAfterDays: [], enrolledAt: enrolled) == nil)
    }
}
