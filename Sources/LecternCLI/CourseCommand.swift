import ArgumentParser
import Foundation
import LecternCore
import LecternServices
import LecternStore

/// `lectern course …`: how courses are doing, and the operator's levers (open, close, seats).
struct CourseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "course",
        abstract: "See courses and open, close or resize them.",
        discussion: """
            Open, close and set-capacity are kept in the database, apart from the course's file, so a later \
            `content sync` does not undo them; `course reset` goes back to what the file says.
            """,
        subcommands: [List.self, Show.self, Open.self, Close.self, SetCapacity.self, Reset.self, InstructorsCommand.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the courses on offer.", discussion: "Example:\n  lectern course list --json")

        @OptionGroup var site: SiteOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase()
            let store = database.courses
            var statistics: [CourseStatistics] = []
            for slug in try await store.slugs() {
                if let course = try await store.statistics(slug: slug) { statistics.append(course) }
            }
            if output.json { return try sayJSON(statistics.map(CourseJSON.init)) }
            guard !statistics.isEmpty else {
                return say("There are no courses yet (add one under Content/courses/, then run `lectern content sync`).")
            }
            var table = Table("SLUG", "ENROLMENT", "ENROLLED", "SEATS LEFT", "COMPLETED", "LESSONS", "TITLE", numeric: [2, 3, 4, 5])
            for item in statistics {
                let course = item.course
                table.add(
                    course.summary.slug, CourseJSON.state(course.enrolmentState(at: Date())), "\(course.enrolledCount)",
                    course.seatsLeft.map(String.init) ?? "no limit", "\(item.completed)", "\(course.lessons.count)", course.summary.title)
            }
            table.say()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one course: enrolment, seats, completions and each lesson's progress.",
            discussion: "Example:\n  lectern course show flask-framework-certificate"
        )

        @OptionGroup var site: SiteOptions
        @Argument(help: "The course's slug.") var slug: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let database = try await site.openDatabase()
            _ = try await Lookup.course(slug, in: database)
            guard let item = try await database.courses.statistics(slug: slug) else { throw fail("no course has the slug '\(slug)'") }
            if output.json { return try sayJSON(CourseJSON(item)) }
            let course = item.course
            say("\(course.summary.title) (\(slug))")
            say("Enrolment:    \(CourseJSON.describe(course, now: Date()))")
            let seats = course.capacity.map { "\($0) (\(course.seatsLeft ?? 0) left)" } ?? "no limit"
            let capacitySource =
                course.operatorSettings.capacity == nil
                ? "from the course file" : "set by an operator; the file says \(item.contentCapacity.map(String.init) ?? "no limit")"
            say("Seats:        \(seats), \(capacitySource)")
            say("Enrolled:     \(course.enrolledCount)")
            say("Completed:    \(item.completed)" + (item.completionRate.map { String(format: " (%.0f%% of those enrolled)", $0) } ?? ""))
            say("Certificates: \(item.certificatesIssued) issued, \(item.certificatesRevoked) revoked")
            say("")
            var table = Table("#", "LESSON", "MODULE", "COMPLETED BY", numeric: [0, 3])
            for (lesson, learners) in item.lessonCompletions {
                table.add("\(lesson.position)", lesson.title + (lesson.isOptional ? " (optional)" : ""), lesson.module, "\(learners)")
            }
            table.say()
        }
    }

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open enrolment now, whatever the course file's dates say (seats still count).",
            discussion: "Example:\n  lectern course open flask-framework-certificate"
        )

        @OptionGroup var site: SiteOptions
        @Argument(help: "The course's slug.") var slug: String
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CourseChange(site: site, slug: slug, dryRun: dryRun, output: output, action: "opened", already: "already open") { store in
                try await store.setEnrolment(slug, open: true)
            }.run()
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close enrolment now. Learners already enrolled keep their place and their lessons.",
            discussion: "Example:\n  lectern course close flask-framework-certificate"
        )

        @OptionGroup var site: SiteOptions
        @Argument(help: "The course's slug.") var slug: String
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CourseChange(site: site, slug: slug, dryRun: dryRun, output: output, action: "closed", already: "already closed") { store in
                try await store.setEnrolment(slug, open: false)
            }.run()
        }
    }

    struct SetCapacity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-capacity",
            abstract: "Set how many learners may enrol, or `none` for no limit.",
            discussion: """
                Nobody already enrolled loses a place: a number below the enrolled count only stops new enrolments.

                Examples:
                  lectern course set-capacity flask-framework-certificate 60
                  lectern course set-capacity flask-framework-certificate none
                """
        )

        @OptionGroup var site: SiteOptions
        @Argument(help: "The course's slug.") var slug: String
        // Collected unparsed so that "-3" reaches the check below instead of being taken for an option.
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The number of seats (0 to 1000000), or `none`.", valueName: "n|none"))
        var capacity: [String] = []
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        /// The seats asked for (nil: no limit), or why the value cannot be one.
        static func seats(_ values: [String]) throws -> Int? {
            guard values.count == 1, let text = values.first else {
                throw ValidationError(
                    values.isEmpty ? "give the number of seats, or 'none' for no limit" : "give one number of seats, not \(values.joined(separator: " "))")
            }
            if text.lowercased() == "none" { return nil }
            guard let number = Int(text) else { throw ValidationError("the number of seats must be a whole number, or 'none' for no limit, not '\(text)'") }
            guard number >= 0 else {
                throw ValidationError("the number of seats cannot be negative (\(number)): use 0 to take no new learners, or 'none' for no limit")
            }
            guard number <= 1_000_000 else { throw ValidationError("the number of seats must be at most 1000000, not \(number)") }
            return number
        }

        func validate() throws { _ = try Self.seats(capacity) }

        func run() async throws {
            let seats = try Self.seats(capacity)
            let already = seats.map { "already set to \(Counted.text($0, "seat"))" } ?? "already without a seat limit"
            try await CourseChange(site: site, slug: slug, dryRun: dryRun, output: output, action: "resized", already: already) { store in
                try await store.setCapacity(slug, .some(seats))
            }.run()
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget open, close and set-capacity: the course file's dates and capacity apply again.",
            discussion: "Example:\n  lectern course reset flask-framework-certificate"
        )

        @OptionGroup var site: SiteOptions
        @Argument(help: "The course's slug.") var slug: String
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await CourseChange(
                site: site, slug: slug, dryRun: dryRun, output: output, action: "reset", already: "already following its course file"
            ) { store in
                let enrolment = try await store.setEnrolment(slug, open: nil)
                return try await store.setCapacity(slug, nil) || enrolment
            }.run()
        }
    }
}

/// One operator change to a course: look it up, apply through the store, report the state that results.
struct CourseChange {
    var site: SiteOptions
    var slug: String
    var dryRun: DryRunOption
    var output: OutputOptions
    var action: String
    /// What to say when the course was already as asked ("already closed"): nothing changes, and the command says so.
    var already: String
    var change: (Administration) async throws -> Bool

    func run() async throws {
        let database = try await site.openDatabase(dryRun: dryRun.dryRun)
        _ = try await Lookup.course(slug, in: database)
        let administration = Administration(database: database)
        let changed = try await change(administration)
        // In a dry run the change was rolled back, so this shows what is in force now, not what would be.
        let course = try await administration.course(slug)
        if output.json {
            struct JSON: Encodable {
                var course: CourseJSON
                var changed: Bool
                var dryRun: Bool
            }
            return try sayJSON(JSON(course: CourseJSON(course), changed: changed, dryRun: dryRun.dryRun))
        }
        if !changed { return say("\(slug) is \(already); nothing to do.") }
        if dryRun.dryRun {
            say("Would have \(action) \(slug). It is now: \(CourseJSON.describe(course.course, now: Date())).")
        } else {
            let seats = course.course.capacity.map { "\(Counted.text($0, "seat")), \(course.course.seatsLeft ?? 0) left" } ?? "no seat limit"
            say(
                "\(action.prefix(1).uppercased() + action.dropFirst()) \(slug): enrolment \(CourseJSON.describe(course.course, now: Date())); \(seats)."
            )
        }
        dryRun.sayNothingChanged()
    }
}

struct CourseJSON: Encodable {
    var slug: String
    var title: String
    var enrolment: String
    var enrolmentDetail: String
    var capacity: Int?
    var capacitySetByOperator: Bool
    var enrolmentSetByOperator: Bool
    var seatsLeft: Int?
    var enrolled: Int
    var completed: Int
    var completionRate: Double?
    var certificatesIssued: Int
    var certificatesRevoked: Int
    var lessons: [Lesson]

    struct Lesson: Encodable {
        var position: Int
        var slug: String
        var title: String
        var module: String
        var optional: Bool
        var completedBy: Int
    }

    init(_ item: CourseStatistics) {
        let course = item.course
        slug = course.summary.slug
        title = course.summary.title
        enrolment = Self.state(course.enrolmentState(at: Date()))
        enrolmentDetail = Self.describe(course, now: Date())
        capacity = course.capacity
        capacitySetByOperator = course.operatorSettings.capacity != nil
        enrolmentSetByOperator = course.operatorSettings.enrolment != nil
        seatsLeft = course.seatsLeft
        enrolled = course.enrolledCount
        completed = item.completed
        completionRate = item.completionRate.map { ($0 * 10).rounded() / 10 }
        certificatesIssued = item.certificatesIssued
        certificatesRevoked = item.certificatesRevoked
        lessons = item.lessonCompletions.map {
            Lesson(
                position: $0.lesson.position, slug: $0.lesson.slug, title: $0.lesson.title, module: $0.lesson.module, optional: $0.lesson.isOptional,
                completedBy: $0.learners)
        }
    }

    static func state(_ state: EnrolmentState) -> String {
        switch state {
        case .open: "open"
        case .notYetOpen: "not-yet-open"
        case .closed: "closed"
        case .full: "full"
        }
    }

    /// "open", "closed by an operator on …", "opens on …" and so on: the state and why.
    static func describe(_ course: CourseDetail, now: Date) -> String {
        let byOperator = course.operatorSettings.enrolment != nil
        switch course.enrolmentState(at: now) {
        case .open: return byOperator ? "open (opened by an operator)" : "open"
        case .notYetOpen(let date): return "opens on \(DisplayDate.text(date)) UTC"
        case .closed(let date):
            return byOperator ? "closed by an operator on \(DisplayDate.text(date)) UTC" : "closed on \(DisplayDate.text(date)) UTC"
        case .full: return "full" + (byOperator ? " (opened by an operator)" : "")
        }
    }
}
