import Foundation
import LecternCore

extension PostgresCourseStore {
    func exists(slug: String) async throws -> (title: String, isRemoved: Bool)? {
        try await database.read { runner in
            try await runner.one("SELECT title, is_removed FROM course WHERE slug = \(slug)") {
                (title: try $0["title"] as String, isRemoved: try $0["is_removed"] as Bool)
            }
        }
    }

    func slugs() async throws -> [String] {
        try await database.read { runner in
            try await runner.values(
                """
                SELECT slug FROM course WHERE NOT is_removed ORDER BY is_featured DESC, title COLLATE "C"
                """, as: String.self)
        }
    }

    func statistics(slug: String) async throws -> CourseStatistics? {
        try await database.read { runner -> CourseStatistics? in
            guard let course = try await Self.course(runner, slug: slug) else { return nil }
            let contentCapacity = try await runner.value("SELECT capacity FROM course WHERE id = \(course.id)", as: Int.self)
            let completed =
                try await runner.value(
                    """
                    SELECT count(*) FROM enrolment JOIN certificate
                        ON certificate.user_id = enrolment.user_id AND certificate.course_id = enrolment.course_id
                    WHERE enrolment.course_id = \(course.id) AND certificate.revoked_at IS NULL AND certificate.replaced_by IS NULL
                    """, as: Int.self) ?? 0
            let certificates = try await runner.one(
                """
                SELECT count(*) AS issued, count(revoked_at) AS revoked FROM certificate WHERE course_id = \(course.id) AND replaced_by IS NULL
                """
            ) { (issued: try $0["issued"] as Int, revoked: try $0["revoked"] as Int) }
            let lessonRows = try await runner.all(
                """
                SELECT lesson_completion.lesson_id, count(*) AS learners FROM lesson_completion
                JOIN lesson ON lesson.id = lesson_completion.lesson_id WHERE lesson.course_id = \(course.id) GROUP BY lesson_completion.lesson_id
                """
            ) { (lessonID: try $0["lesson_id"] as Int64, learners: try $0["learners"] as Int) }
            var perLesson: [Int64: Int] = [:]
            for row in lessonRows { perLesson[row.lessonID] = row.learners }
            return CourseStatistics(
                course: course, contentCapacity: contentCapacity, completed: completed, certificatesIssued: certificates?.issued ?? 0,
                certificatesRevoked: certificates?.revoked ?? 0,
                lessonCompletions: course.lessons.map { ($0, perLesson[$0.id] ?? 0) })
        }
    }

    func setEnrolment(slug: String, open: Bool?, now: Date) async throws -> Bool? {
        try await database.write { runner -> Bool? in
            // The course row is locked as seat-taking writes lock it (`PostgresSeats.state`): of two operators switching
            // at once, the second sees the first's setting.
            guard
                let course = try await runner.one(
                    "SELECT id, operator_enrolment FROM course WHERE slug = \(slug) AND NOT is_removed FOR NO KEY UPDATE",
                    { (id: try $0["id"] as Int64, enrolment: try $0["operator_enrolment"] as String?) })
            else { return nil }
            let wanted = open.map { $0 ? "open" : "closed" }
            guard course.enrolment != wanted else { return false }
            try await runner.execute(
                "UPDATE course SET operator_enrolment = \(wanted), operator_enrolment_at = \(open == nil ? nil : now) WHERE id = \(course.id)")
            try await PostgresEventLog.append(runner, .enrolmentSwitched, userID: nil, subjectID: course.id, courseID: course.id, now: now)
            // Seats a course gained go to its waitlist at once.
            try await PostgresSeats.promote(runner, courseID: course.id, now: now)
            return true
        }
    }

    func setCapacity(slug: String, _ capacity: Int??, now: Date) async throws -> Bool? {
        try await database.write { runner -> Bool? in
            // Locked as in `setEnrolment`.
            guard
                let course = try await runner.one(
                    "SELECT id, operator_capacity_set, operator_capacity FROM course WHERE slug = \(slug) AND NOT is_removed FOR NO KEY UPDATE",
                    { (id: try $0["id"] as Int64, isSet: try $0["operator_capacity_set"] as Bool, value: try $0["operator_capacity"] as Int?) })
            else { return nil }
            let isSet = capacity != nil
            let value: Int? = capacity ?? nil
            guard course.isSet != isSet || course.value != value else { return false }
            try await runner.execute("UPDATE course SET operator_capacity_set = \(isSet), operator_capacity = \(value) WHERE id = \(course.id)")
            try await PostgresEventLog.append(runner, .seatsChanged, userID: nil, subjectID: course.id, courseID: course.id, now: now)
            try await PostgresSeats.promote(runner, courseID: course.id, now: now)
            return true
        }
    }
}
