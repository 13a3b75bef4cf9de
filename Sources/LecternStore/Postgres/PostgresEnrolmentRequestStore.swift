import Foundation
import LecternCore

/// `EnrolmentRequestStore` in PostgreSQL. Every write locks the course's row first (`PostgresSeats.state`), as every
/// seat-changing write does, so requests, decisions and promotions of one course take their turn one at a time.
struct PostgresEnrolmentRequestStore: EnrolmentRequestStore {
    let database: PostgresSiteDatabase

    static let select = """
        SELECT enrolment_request.*, users.email, users.name, course.slug, course.title FROM enrolment_request
        JOIN users ON users.id = enrolment_request.user_id JOIN course ON course.id = enrolment_request.course_id
        """

    func request(userID: Int64, courseID: Int64, note: String, now: Date) async throws -> PlaceOutcome {
        try await database.write { runner -> PlaceOutcome in
            _ = try await PostgresSeats.state(runner, courseID: courseID, now: now)
            try await PostgresSeats.serveQueueFirst(runner, courseID: courseID, now: now)
            if try await PostgresSeats.isEnrolled(runner, userID: userID, courseID: courseID) { return .alreadyEnrolled }
            if try await Self.pending(runner, userID: userID, courseID: courseID) != nil { return .requested }
            if let position = try await PostgresSeats.position(runner, userID: userID, courseID: courseID) { return .waitlisted(position: position) }
            guard let course = try await PostgresSeats.state(runner, courseID: courseID, now: now) else { return .refused(.closed(now)) }
            guard course.mode == .approval else { return .needs(course.mode) }
            switch course.state {
            case .open:
                let id = try await runner.value(
                    """
                    INSERT INTO enrolment_request (user_id, course_id, note, status, requested_at)
                    VALUES (\(userID), \(courseID), \(note), 'pending', \(now)) RETURNING id
                    """, as: Int64.self)
                try await PostgresEventLog.append(runner, .requested, userID: userID, subjectID: id, courseID: courseID, now: now)
                return .requested
            case .full: return .waitlisted(position: try await PostgresSeats.wait(runner, userID: userID, courseID: courseID, note: note, now: now))
            case .notYetOpen, .closed: return .refused(course.state)
            }
        }
    }

    @discardableResult
    func withdraw(userID: Int64, courseID: Int64, now: Date) async throws -> Bool {
        try await database.write { runner in
            _ = try await PostgresSeats.state(runner, courseID: courseID, now: now)
            let waited = try await PostgresSeats.leaveQueue(runner, userID: userID, courseID: courseID)
            let pending = try await Self.pending(runner, userID: userID, courseID: courseID)
            let withdrawn =
                try await runner.value(
                    """
                    WITH changed AS (
                        UPDATE enrolment_request SET status = 'withdrawn', decided_at = \(now)
                        WHERE user_id = \(userID) AND course_id = \(courseID) AND status = 'pending'
                        RETURNING 1
                    )
                    SELECT count(*) FROM changed
                    """, as: Int.self) ?? 0
            guard let pending, withdrawn > 0 else { return waited }
            try await PostgresEventLog.append(runner, .requestWithdrawn, userID: userID, subjectID: pending.id, courseID: courseID, now: now)
            try await PostgresSeats.promote(runner, courseID: courseID, now: now)
            return true
        }
    }

    func pending(courseID: Int64) async throws -> [EnrolmentRequest] {
        try await database.read { runner in
            try await runner.all(
                "\(unescaped: Self.select) WHERE enrolment_request.course_id = \(courseID) AND status = 'pending' ORDER BY enrolment_request.id",
                EnrolmentRequest.init(columns:))
        }
    }

    func latest(userID: Int64, courseID: Int64) async throws -> EnrolmentRequest? {
        try await database.read { runner in try await Self.latest(runner, userID: userID, courseID: courseID) }
    }

    static func latest(_ runner: QueryRunner, userID: Int64, courseID: Int64) async throws -> EnrolmentRequest? {
        try await runner.one(
            """
            \(unescaped: Self.select) WHERE enrolment_request.user_id = \(userID) AND enrolment_request.course_id = \(courseID)
            ORDER BY enrolment_request.id DESC LIMIT 1
            """, EnrolmentRequest.init(columns:))
    }

    func request(id: Int64) async throws -> EnrolmentRequest? {
        try await database.read { runner in
            try await runner.one("\(unescaped: Self.select) WHERE enrolment_request.id = \(id)", EnrolmentRequest.init(columns:))
        }
    }

    func approve(userID: Int64, courseID: Int64, reason: String?, now: Date) async throws -> EnrolmentRequest {
        try await database.write { runner in try await Self.approve(runner, userID: userID, courseID: courseID, reason: reason, now: now) }
    }

    func decline(userID: Int64, courseID: Int64, reason: String?, now: Date) async throws -> EnrolmentRequest {
        try await database.write { runner in try await Self.decline(runner, userID: userID, courseID: courseID, reason: reason, now: now) }
    }

    func pending(instructorID: Int64) async throws -> [EnrolmentRequest] {
        try await database.read { runner in
            try await runner.all(
                """
                \(unescaped: Self.select)
                JOIN course_instructor ON course_instructor.course_id = enrolment_request.course_id AND course_instructor.user_id = \(instructorID)
                WHERE enrolment_request.status = 'pending' AND enrolment_request.user_id <> \(instructorID) AND NOT course.is_removed
                ORDER BY enrolment_request.id
                """, EnrolmentRequest.init(columns:))
        }
    }

    func decide(requestID: Int64, instructorID: Int64, approve: Bool, reason: String?, now: Date) async throws -> EnrolmentRequest {
        try await database.write { runner in
            // The course's row is locked before the request is read (the order every seat-changing write takes), so
            // of two instructors deciding at once the second sees the first one's decision.
            if let courseID = try await runner.value("SELECT course_id FROM enrolment_request WHERE id = \(requestID)", as: Int64.self) {
                _ = try await PostgresSeats.state(runner, courseID: courseID, now: now)
            }
            guard
                let request = try await runner.one(
                    """
                    \(unescaped: Self.select)
                    JOIN course_instructor
                        ON course_instructor.course_id = enrolment_request.course_id AND course_instructor.user_id = \(instructorID)
                    WHERE enrolment_request.id = \(requestID) AND enrolment_request.user_id <> \(instructorID)
                    FOR NO KEY UPDATE OF enrolment_request
                    """, EnrolmentRequest.init(columns:))
            else { throw EnrolmentRequestError.noRequest }
            guard request.status == .pending else { throw EnrolmentRequestError.alreadyDecided(request.status) }
            if approve { return try await Self.approve(runner, userID: request.userID, courseID: request.courseID, reason: reason, now: now) }
            return try await Self.decline(runner, userID: request.userID, courseID: request.courseID, reason: reason, now: now)
        }
    }

    static func approve(_ runner: QueryRunner, userID: Int64, courseID: Int64, reason: String?, now: Date) async throws -> EnrolmentRequest {
        _ = try await PostgresSeats.state(runner, courseID: courseID, now: now)
        guard let request = try await Self.pending(runner, userID: userID, courseID: courseID) else {
            if let position = try await PostgresSeats.position(runner, userID: userID, courseID: courseID) {
                throw EnrolmentRequestError.waitingForSeat(position: position)
            }
            throw EnrolmentRequestError.noRequest
        }
        try await Self.decide(runner, request.id, status: .approved, reason: reason, now: now)
        if try await !PostgresSeats.isEnrolled(runner, userID: userID, courseID: courseID) {
            try await PostgresSeats.enrol(runner, userID: userID, courseID: courseID, now: now)
        }
        return try await Self.decided(runner, request.id, userID: userID, now: now)
    }

    static func decline(_ runner: QueryRunner, userID: Int64, courseID: Int64, reason: String?, now: Date) async throws -> EnrolmentRequest {
        _ = try await PostgresSeats.state(runner, courseID: courseID, now: now)
        let id: Int64
        if let request = try await Self.pending(runner, userID: userID, courseID: courseID) {
            id = request.id
        } else if let note = try await runner.value(
            "SELECT note FROM waitlist WHERE user_id = \(userID) AND course_id = \(courseID)", as: String.self)
        {
            // Leaving the queue the one way every path does (a code it used is given back).
            _ = try await PostgresSeats.leaveQueue(runner, userID: userID, courseID: courseID)
            guard
                let inserted = try await runner.value(
                    """
                    INSERT INTO enrolment_request (user_id, course_id, note, status, requested_at)
                    VALUES (\(userID), \(courseID), \(note), 'pending', \(now)) RETURNING id
                    """, as: Int64.self)
            else { throw EnrolmentRequestError.noRequest }
            id = inserted
        } else {
            throw EnrolmentRequestError.noRequest
        }
        try await Self.decide(runner, id, status: .declined, reason: reason, now: now)
        try await PostgresSeats.promote(runner, courseID: courseID, now: now)
        return try await Self.decided(runner, id, userID: userID, now: now)
    }

    private static func pending(_ runner: QueryRunner, userID: Int64, courseID: Int64) async throws -> EnrolmentRequest? {
        // Locked, so that a decision taken on it cannot be overtaken by another transaction's.
        try await runner.one(
            """
            \(unescaped: Self.select) WHERE enrolment_request.user_id = \(userID) AND enrolment_request.course_id = \(courseID) AND status = 'pending'
            FOR NO KEY UPDATE OF enrolment_request
            """, EnrolmentRequest.init(columns:))
    }

    private static func decide(_ runner: QueryRunner, _ id: Int64, status: EnrolmentRequest.Status, reason: String?, now: Date) async throws {
        try await runner.execute(
            "UPDATE enrolment_request SET status = \(status.rawValue), decided_at = \(now), reason = \(reason) WHERE id = \(id)")
    }

    /// The request after its decision, with the event the mailer tells the learner from.
    private static func decided(_ runner: QueryRunner, _ id: Int64, userID: Int64, now: Date) async throws -> EnrolmentRequest {
        guard let request = try await runner.one("\(unescaped: Self.select) WHERE enrolment_request.id = \(id)", EnrolmentRequest.init(columns:))
        else { throw EnrolmentRequestError.noRequest }
        try await PostgresEventLog.append(runner, .requestDecided, userID: userID, subjectID: id, courseID: request.courseID, now: now)
        return request
    }
}

extension EnrolmentRequest {
    init(columns row: Columns) throws {
        self.init(
            id: try row["id"], userID: try row["user_id"], courseID: try row["course_id"], learnerEmail: try row["email"],
            learnerName: try row["name"], courseSlug: try row["slug"], courseTitle: try row["title"], note: try row["note"],
            status: Status(rawValue: try row["status"]) ?? .pending, requestedAt: try row["requested_at"], decidedAt: try row["decided_at"],
            reason: try row["reason"])
    }
}
