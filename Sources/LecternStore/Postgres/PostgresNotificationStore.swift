import Foundation
import LecternCore

/// `NotificationStore` in PostgreSQL.
struct PostgresNotificationStore: NotificationStore {
    let database: PostgresSiteDatabase

    func items(userID: Int64, limit: Int) async throws -> [InboxItem] {
        try await database.read { runner in
            try await runner.all("SELECT * FROM notification WHERE user_id = \(userID) ORDER BY id DESC LIMIT \(limit)", Self.item)
                .compactMap { $0 }
        }
    }

    func notice(eventID: Int64, userID: Int64) async throws -> (item: InboxItem?, unread: Int) {
        try await database.read { runner in
            let item = try await runner.one("SELECT * FROM notification WHERE event_id = \(eventID) AND user_id = \(userID)", Self.item)
            let unread =
                try await runner.value("SELECT count(*) FROM notification WHERE user_id = \(userID) AND read_at IS NULL", as: Int.self) ?? 0
            return (item ?? nil, unread)
        }
    }

    func open(id: Int64, userID: Int64, now: Date) async throws -> String? {
        try await database.write(changesPublicPages: false) { runner in
            guard let path = try await runner.value("SELECT path FROM notification WHERE id = \(id) AND user_id = \(userID)", as: String.self)
            else { return nil }
            try await runner.execute("UPDATE notification SET read_at = \(now) WHERE id = \(id) AND read_at IS NULL")
            return path
        }
    }

    func markAllRead(userID: Int64, now: Date) async throws -> Int {
        try await database.write(changesPublicPages: false) { runner in
            try await runner.value(
                """
                WITH marked AS (UPDATE notification SET read_at = \(now) WHERE user_id = \(userID) AND read_at IS NULL RETURNING 1)
                SELECT count(*) FROM marked
                """, as: Int.self) ?? 0
        }
    }

    /// Writes the notice for an event just appended, when its kind is one a person is told of.
    static func record(
        _ runner: QueryRunner, eventID: Int64, _ kind: EventKind, userID: Int64, subjectID: Int64?, courseID: Int64?, now: Date
    ) async throws {
        guard EventKind.inbox.contains(kind), let courseID,
            let course = try await runner.one("SELECT slug, title FROM course WHERE id = \(courseID)", {
                (slug: try $0["slug"] as String, title: try $0["title"] as String)
            })
        else { return }
        var (detail, status, path) = ("", "", "/courses/\(course.slug)")
        switch kind {
        case .checkpointReviewed:
            guard
                let row = try await runner.one(
                    """
                    SELECT lesson.slug, lesson.title, checkpoint_submission.status FROM checkpoint_submission
                    JOIN lesson ON lesson.id = checkpoint_submission.lesson_id WHERE checkpoint_submission.id = \(subjectID)
                    """, { (slug: try $0["slug"] as String, title: try $0["title"] as String, status: try $0["status"] as String) })
            else { return }
            (detail, status, path) = (row.title, row.status, "/courses/\(course.slug)/lessons/\(row.slug)")
        case .waitlistPromoted:
            status = try await PostgresSeats.isEnrolled(runner, userID: userID, courseID: courseID) ? "enrolled" : "requested"
        case .requestDecided:
            status = try await runner.value("SELECT status FROM enrolment_request WHERE id = \(subjectID)", as: String.self) ?? ""
        case .certificateIssued, .certificateRevoked:
            guard let code = try await runner.value("SELECT code FROM certificate WHERE id = \(subjectID)", as: String.self) else { return }
            (detail, path) = (code, "/certificates/\(code)")
        default: return
        }
        try await runner.execute(
            """
            INSERT INTO notification (user_id, event_id, kind, course_slug, course_title, detail, status, path, created_at)
            VALUES (\(userID), \(eventID), \(kind.rawValue), \(course.slug), \(course.title), \(detail), \(status), \(path), \(now))
            """)
        try await runner.execute(
            """
            DELETE FROM notification WHERE user_id = \(userID)
                AND id <= (SELECT id FROM notification WHERE user_id = \(userID) ORDER BY id DESC LIMIT 1 OFFSET \(InboxItem.kept))
            """)
    }

    static func item(_ row: Columns) throws -> InboxItem? {
        guard let kind = EventKind(rawValue: try row["kind"]) else { return nil }
        return InboxItem(
            id: try row["id"], kind: kind, courseSlug: try row["course_slug"], courseTitle: try row["course_title"], detail: try row["detail"],
            status: try row["status"], path: try row["path"], createdAt: try row["created_at"], readAt: try row["read_at"])
    }
}
