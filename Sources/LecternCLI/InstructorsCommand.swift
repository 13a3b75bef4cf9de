import ArgumentParser
import Foundation
import LecternStore

/// `lectern course instructors …`: who reviews a course's checkpoints. The course file's `instructors` names are
/// display text; this role is given to accounts.
struct InstructorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instructors",
        abstract: "Give or take the instructor role for a course (instructors review its checkpoints at /review).",
        discussion: """
            The account must exist (see `lectern user list`). The names listed in the course file stay what the \
            course page shows; this role decides who may review.
            """,
        subcommands: [List.self, Add.self, Remove.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a course's instructors.", discussion: "Example:\n  lectern course instructors list flask-framework-certificate")

        @OptionGroup var site: SiteOptions
        @Argument(help: "The course's slug.") var course: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let store = try await site.openDatabase().checkpoints
            let instructors = try await checkpointErrorsExplained { try await store.instructors(courseSlug: course) }
            struct Instructor: Encodable {
                var name: String
                var email: String
            }
            if output.json { return try sayJSON(instructors.map { Instructor(name: $0.name, email: $0.email) }) }
            guard !instructors.isEmpty else {
                return say("\(course) has no instructors yet: add one with `lectern course instructors add \(course) <email>`.")
            }
            for instructor in instructors { say("\(instructor.name) <\(instructor.email)>") }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an account an instructor of a course.",
            discussion: "Example:\n  lectern course instructors add flask-framework-certificate maya@example.com")

        @OptionGroup var site: SiteOptions
        @Argument(help: "The course's slug.") var course: String
        @Argument(help: "The instructor's account address.") var email: String
        @OptionGroup var dryRun: DryRunOption

        func run() async throws {
            let store = try await site.openDatabase(dryRun: dryRun.dryRun).checkpoints
            let added = try await checkpointErrorsExplained { try await store.addInstructor(courseSlug: course, email: email) }
            say(added ? "\(email) is now an instructor of \(course)." : "\(email) is already an instructor of \(course); nothing to do.")
            dryRun.sayNothingChanged()
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End an account's instructor role for a course (its reviews so far are kept).",
            discussion: "Example:\n  lectern course instructors remove flask-framework-certificate maya@example.com")

        @OptionGroup var site: SiteOptions
        @Argument(help: "The course's slug.") var course: String
        @Argument(help: "The instructor's account address.") var email: String
        @OptionGroup var dryRun: DryRunOption

        func run() async throws {
            let store = try await site.openDatabase(dryRun: dryRun.dryRun).checkpoints
            let removed = try await checkpointErrorsExplained { try await store.removeInstructor(courseSlug: course, email: email) }
            guard removed else { return say("\(email) is not an instructor of \(course); nothing to do.") }
            say("\(email) is no longer an instructor of \(course).")
            dryRun.sayNothingChanged()
        }
    }
}
