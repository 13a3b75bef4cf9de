import Foundation
import GRDB
import LecternCore

/// Why an approval or a decline was refused.
public enum EnrolmentRequestError: Error, Sendable, Equatable {
    /// Nothing from this learner waits for a decision on this course.
    case noRequest
    /// The request waits for a seat (at this waitlist position); it can be declined, or approved once a seat frees.
    case waitingForSeat(position: Int)
    /// Someone decided it already (another instructor, the CLI, or the learner withdrew it).
    case alreadyDecided(EnrolmentRequest.Status)
}

/// `EnrolmentRequestStore` in SQLite, through GRDB.
public struct SQLiteEnrolmentRequestStore: EnrolmentRequestStore {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    static let select = """
        SELECT enrolment_request.*, users.email, users.name, course.slug, course.title FROM enrolment_request
        JOIN users ON users.id = enrolment_request.user_id JOIN course ON course.id = enrolment_request.course_id
        """

    /// Asks for a place: pending (holding a seat) when one is free, on the waitlist when the course is full.
    /// Asking again changes nothing.
    public func request(userID: Int64, courseID: Int64, note: String, now: Date = Date()) async throws -> PlaceOutcome {
        try await database.write { db in
            try Seats.serveQueueFirst(db, courseID: courseID, now: now)
            if try Seats.isEnrolled(db, userID: userID, courseID: courseID) { return .alreadyEnrolled }
            if try Self.pending(db, userID: userID, courseID: courseID) != nil { return .requested }
            if let position = try Seats.position(db, userID: userID, courseID: courseID) { return .waitlisted(position: position) }
            guard let course = try Seats.state(db, courseID: courseID, now: now) else { return .refused(.closed(now)) }
            guard course.mode == .approval else { return .needs(course.mode) }
            switch course.state {
            case .open:
                try db.execute(
                    sql: "INSERT INTO enrolment_request (user_id, course_id, note, status, requested_at) VALUES (?, ?, ?, 'pending', ?)",
                    arguments: [userID, courseID, note, now])
                try SQLiteEventLog.append(db, .requested, userID: userID, subjectID: db.lastInsertedRowID, courseID: courseID, now: now)
                return .requested
            case .full: return .waitlisted(position: try Seats.wait(db, userID: userID, courseID: courseID, note: note, now: now))
            case .notYetOpen, .closed: return .refused(course.state)
            }
        }
    }

    /// Withdraws the learner's request, pending or waiting; a seat it held goes to the next in the queue. Returns
    /// false when there was nothing to withdraw.
    @discardableResult
    public func withdraw(userID: Int64, courseID: Int64, now: Date = Date()) async throws -> Bool {
        try await database.write { db in
            let waited = try Seats.leaveQueue(db, userID: userID, courseID: courseID)
            let pending = try Self.pending(db, userID: userID, courseID: courseID)
            try db.execute(
                sql: "UPDATE enrolment_request SET status = 'withdrawn', decided_at = ? WHERE user_id = ? AND course_id = ? AND status = 'pending'",
                arguments: [now, userID, courseID])
            guard let pending, db.changesCount > 0 else { return waited }
            try SQLiteEventLog.append(db, .requestWithdrawn, userID: userID, subjectID: pending.id, courseID: courseID, now: now)
            try Seats.promote(db, courseID: courseID, now: now)
            return true
        }
    }

    /// Pending requests for the course, oldest first.
    public func pending(courseID: Int64) async throws -> [EnrolmentRequest] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db, sql: "\(Self.select) WHERE enrolment_request.course_id = ? AND status = 'pending' ORDER BY enrolment_request.id", arguments: [courseID]
            ).map(EnrolmentRequest.init(row:))
        }
    }

    /// The learner's latest request for the course, whatever its state.
    public func latest(userID: Int64, courseID: Int64) async throws -> EnrolmentRequest? {
        try await database.pool.read { db in try Self.latest(db, userID: userID, courseID: courseID) }
    }

    static func latest(_ db: Database, userID: Int64, courseID: Int64) throws -> EnrolmentRequest? {
        try Row.fetchOne(
            db,
            cachedSQL(
                "\(select) WHERE enrolment_request.user_id = ? AND enrolment_request.course_id = ? ORDER BY enrolment_request.id DESC LIMIT 1",
                [userID, courseID])
        ).map(EnrolmentRequest.init(row:))
    }

    public func request(id: Int64) async throws -> EnrolmentRequest? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "\(Self.select) WHERE enrolment_request.id = ?", arguments: [id]).map(EnrolmentRequest.init(row:))
        }
    }

    /// Approves the learner's pending request: enrolled on the seat it held, in the same transaction, and mailed.
    public func approve(userID: Int64, courseID: Int64, reason: String?, now: Date = Date()) async throws -> EnrolmentRequest {
        try await database.write { db in try Self.approve(db, userID: userID, courseID: courseID, reason: reason, now: now) }
    }

    /// Declines the learner's request, pending or waiting for a seat, and mails them; a seat it held goes to the next
    /// in the queue.
    public func decline(userID: Int64, courseID: Int64, reason: String?, now: Date = Date()) async throws -> EnrolmentRequest {
        try await database.write { db in try Self.decline(db, userID: userID, courseID: courseID, reason: reason, now: now) }
    }

    /// Pending requests for the courses `instructorID` teaches (never their own), oldest first: the review page's list.
    public func pending(instructorID: Int64) async throws -> [EnrolmentRequest] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    \(Self.select) JOIN course_instructor ON course_instructor.course_id = enrolment_request.course_id AND course_instructor.user_id = ?
                    WHERE enrolment_request.status = 'pending' AND enrolment_request.user_id <> ? AND course.is_removed = 0
                    ORDER BY enrolment_request.id
                    """, arguments: [instructorID, instructorID]
            ).map(EnrolmentRequest.init(row:))
        }
    }

    /// An instructor's decision on the web: the request must be pending and for a course they teach, and not their own.
    public func decide(requestID: Int64, instructorID: Int64, approve: Bool, reason: String?, now: Date = Date()) async throws -> EnrolmentRequest {
        try await database.write { db in
            guard
                let request = try Row.fetchOne(
                    db,
                    sql: """
                        \(Self.select) JOIN course_instructor ON course_instructor.course_id = enrolment_request.course_id AND course_instructor.user_id = ?
                        WHERE enrolment_request.id = ? AND enrolment_request.user_id <> ?
                        """, arguments: [instructorID, requestID, instructorID]
                ).map(EnrolmentRequest.init(row:))
            else { throw EnrolmentRequestError.noRequest }
            guard request.status == .pending else { throw EnrolmentRequestError.alreadyDecided(request.status) }
            return approve
                ? try Self.approve(db, userID: request.userID, courseID: request.courseID, reason: reason, now: now)
                : try Self.decline(db, userID: request.userID, courseID: request.courseID, reason: reason, now: now)
        }
    }

    static func approve(_ db: Database, userID: Int64, courseID: Int64, reason: String?, now: Date) throws -> EnrolmentRequest {
        guard let request = try Self.pending(db, userID: userID, courseID: courseID) else {
            if let position = try Seats.position(db, userID: userID, courseID: courseID) { throw EnrolmentRequestError.waitingForSeat(position: position) }
            throw EnrolmentRequestError.noRequest
        }
        try Self.decide(db, request.id, status: .approved, reason: reason, now: now)
        if try !Seats.isEnrolled(db, userID: userID, courseID: courseID) { try Seats.enrol(db, userID: userID, courseID: courseID, now: now) }
        return try Self.decided(db, request.id, userID: userID, now: now)
    }

    static func decline(_ db: Database, userID: Int64, courseID: Int64, reason: String?, now: Date) throws -> EnrolmentRequest {
        let id: Int64
        if let request = try Self.pending(db, userID: userID, courseID: courseID) {
            id = request.id
        } else if let waiting = try Row.fetchOne(db, sql: "SELECT note FROM waitlist WHERE user_id = ? AND course_id = ?", arguments: [userID, courseID]) {
            // Leaving the queue the one way every path does (a code it used is given back).
            _ = try Seats.leaveQueue(db, userID: userID, courseID: courseID)
            try db.execute(
                sql: "INSERT INTO enrolment_request (user_id, course_id, note, status, requested_at) VALUES (?, ?, ?, 'pending', ?)",
                arguments: [userID, courseID, waiting["note"] as String, now])
            id = db.lastInsertedRowID
        } else {
            throw EnrolmentRequestError.noRequest
        }
        try Self.decide(db, id, status: .declined, reason: reason, now: now)
        try Seats.promote(db, courseID: courseID, now: now)
        return try Self.decided(db, id, userID: userID, now: now)
    }

    private static func pending(_ db: Database, userID: Int64, courseID: Int64) throws -> EnrolmentRequest? {
        try Row.fetchOne(
            db, sql: "\(select) WHERE enrolment_request.user_id = ? AND enrolment_request.course_id = ? AND status = 'pending'",
            arguments: [userID, courseID]
        ).map(EnrolmentRequest.init(row:))
    }

    private static func decide(_ db: Database, _ id: Int64, status: EnrolmentRequest.Status, reason: String?, now: Date) throws {
        try db.execute(
            sql: "UPDATE enrolment_request SET status = ?, decided_at = ?, reason = ? WHERE id = ?", arguments: [status.rawValue, now, reason, id])
    }

    /// The request after its decision, with the event the mailer tells the learner from.
    private static func decided(_ db: Database, _ id: Int64, userID: Int64, now: Date) throws -> EnrolmentRequest {
        guard let request = try Row.fetchOne(db, sql: "\(select) WHERE enrolment_request.id = ?", arguments: [id]).map(EnrolmentRequest.init(row:))
        else { throw EnrolmentRequestError.noRequest }
        try SQLiteEventLog.append(db, .requestDecided, userID: userID, subjectID: id, courseID: request.courseID, now: now)
        return request
    }
}

extension EnrolmentRequest {
    init(row: Row) {
        self.init(
            id: row["id"], userID: row["user_id"], courseID: row["course_id"], learnerEmail: row["email"], learnerName: row["name"],
            courseSlug: row["slug"], courseTitle: row["title"], note: row["note"], status: Status(rawValue: row["status"]) ?? .pending,
            requestedAt: row["requested_at"], decidedAt: row["decided_at"], reason: row["reason"])
    }
}
