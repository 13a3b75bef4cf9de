import Foundation
import GRDB
import LecternCore

/// One notice in a person's inbox: what happened, on which course, and where to look. The course's title and the
/// detail are kept as they were when it happened, so a later rename does not rewrite what the person was told.
public struct InboxItem: Sendable, Equatable {
    public var id: Int64
    public var kind: EventKind
    public var courseSlug: String
    public var courseTitle: String
    /// A lesson's title (a review), a certificate's code; empty when the kind needs none.
    public var detail: String
    /// approved or returned (a review), approved or declined (a request), enrolled or requested (a promotion).
    public var status: String
    /// The site path the notice leads to.
    public var path: String
    public var createdAt: Date
    public var readAt: Date?
}

/// `NotificationStore` in SQLite, through GRDB.
public struct SQLiteNotificationStore: NotificationStore {
    let database: LecternDatabase


    public init(database: LecternDatabase) {
        self.database = database
    }

    /// Newest first.
    public func items(userID: Int64, limit: Int = 50) async throws -> [InboxItem] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM notification WHERE user_id = ? ORDER BY id DESC LIMIT ?", arguments: [userID, limit])
                .compactMap(Self.item)
        }
    }

    /// The notice `eventID` made for `userID`, if it made one, and how many of their notices are unread now.
    public func notice(eventID: Int64, userID: Int64) async throws -> (item: InboxItem?, unread: Int) {
        try await database.pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT * FROM notification WHERE event_id = ? AND user_id = ?", arguments: [eventID, userID])
            let unread = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notification WHERE user_id = ? AND read_at IS NULL", arguments: [userID]) ?? 0
            return (row.flatMap(Self.item), unread)
        }
    }

    /// Marks one notice read and returns where it leads; nil when `userID` has no such notice.
    public func open(id: Int64, userID: Int64, now: Date = Date()) async throws -> String? {
        try await database.write(changesPublicPages: false) { db in
            guard let path = try String.fetchOne(db, sql: "SELECT path FROM notification WHERE id = ? AND user_id = ?", arguments: [id, userID])
            else { return nil }
            try db.execute(sql: "UPDATE notification SET read_at = ? WHERE id = ? AND read_at IS NULL", arguments: [now, id])
            return path
        }
    }

    /// Marks every notice of `userID` read; returns how many were unread.
    @discardableResult
    public func markAllRead(userID: Int64, now: Date = Date()) async throws -> Int {
        try await database.write(changesPublicPages: false) { db in
            try db.execute(sql: "UPDATE notification SET read_at = ? WHERE user_id = ? AND read_at IS NULL", arguments: [now, userID])
            return db.changesCount
        }
    }

    /// Writes the notice for an event just appended, when its kind is one a person is told of.
    static func record(_ db: Database, eventID: Int64, _ kind: EventKind, userID: Int64, subjectID: Int64?, courseID: Int64?, now: Date) throws {
        guard EventKind.inbox.contains(kind), let courseID,
            let course = try Row.fetchOne(db, sql: "SELECT slug, title FROM course WHERE id = ?", arguments: [courseID])
        else { return }
        let slug: String = course["slug"]
        var (detail, status, path) = ("", "", "/courses/\(slug)")
        switch kind {
        case .checkpointReviewed:
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT lesson.slug, lesson.title, checkpoint_submission.status FROM checkpoint_submission
                        JOIN lesson ON lesson.id = checkpoint_submission.lesson_id WHERE checkpoint_submission.id = ?
                        """, arguments: [subjectID])
            else { return }
            (detail, status, path) = (row["title"], row["status"], "/courses/\(slug)/lessons/\(row["slug"] as String)")
        case .waitlistPromoted:
            status = try Seats.isEnrolled(db, userID: userID, courseID: courseID) ? "enrolled" : "requested"
        case .requestDecided:
            status = try String.fetchOne(db, sql: "SELECT status FROM enrolment_request WHERE id = ?", arguments: [subjectID]) ?? ""
        case .certificateIssued, .certificateRevoked:
            guard let code = try String.fetchOne(db, sql: "SELECT code FROM certificate WHERE id = ?", arguments: [subjectID]) else { return }
            (detail, path) = (code, "/certificates/\(code)")
        default: return
        }
        try db.execute(
            sql: """
                INSERT INTO notification (user_id, event_id, kind, course_slug, course_title, detail, status, path, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [userID, eventID, kind.rawValue, slug, course["title"] as String, detail, status, path, now])
        try db.execute(
            sql: "DELETE FROM notification WHERE user_id = ? AND id <= (SELECT id FROM notification WHERE user_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
            arguments: [userID, userID, InboxItem.kept])
    }

    static func item(_ row: Row) -> InboxItem? {
        guard let kind = EventKind(rawValue: row["kind"]) else { return nil }
        return InboxItem(
            id: row["id"], kind: kind, courseSlug: row["course_slug"], courseTitle: row["course_title"], detail: row["detail"], status: row["status"],
            path: row["path"], createdAt: row["created_at"], readAt: row["read_at"])
    }
}
