import Foundation
import LecternCore

/// `AccessCodeStore` in PostgreSQL.
struct PostgresAccessCodeStore: AccessCodeStore {
    let database: PostgresSiteDatabase

    func create(courseID: Int64, count: Int, usesPerCode: Int, expiresAt: Date?, note: String?, now: Date) async throws -> [AccessCodeRecord] {
        try await database.write(changesPublicPages: false) { runner in
            let slug = try await runner.value("SELECT slug FROM course WHERE id = \(courseID)", as: String.self) ?? ""
            var made: [AccessCodeRecord] = []
            while made.count < count {
                let code = AccessCode.make()
                // 73 bits make a collision all but impossible; if one happens, draw again rather than fail the batch.
                let inserted = try await runner.value(
                    """
                    INSERT INTO access_code (course_id, code, uses_allowed, expires_at, note, created_at)
                    VALUES (\(courseID), \(code), \(usesPerCode), \(expiresAt), \(note), \(now))
                    ON CONFLICT (code) DO NOTHING RETURNING id
                    """, as: Int64.self)
                guard inserted != nil else { continue }
                made.append(
                    AccessCodeRecord(
                        code: code, courseSlug: slug, usesAllowed: usesPerCode, uses: 0, expiresAt: expiresAt, note: note, createdAt: now))
            }
            return made
        }
    }

    func list(courseID: Int64) async throws -> [AccessCodeRecord] {
        try await database.read { runner in
            try await runner.all(
                """
                SELECT access_code.*, course.slug FROM access_code JOIN course ON course.id = access_code.course_id
                WHERE course_id = \(courseID) ORDER BY access_code.id DESC
                """, AccessCodeRecord.init(columns:))
        }
    }

    func show(_ typed: String) async throws -> AccessCodeRecord? {
        guard let code = AccessCode.normalize(typed) else { return nil }
        return try await database.read { runner -> AccessCodeRecord? in
            guard
                var record = try await runner.one(
                    "SELECT access_code.*, course.slug FROM access_code JOIN course ON course.id = access_code.course_id WHERE code = \(code)",
                    AccessCodeRecord.init(columns:))
            else { return nil }
            record.redeemedBy = try await runner.all(
                """
                SELECT users.email, code_redemption.redeemed_at FROM code_redemption JOIN access_code ON access_code.id = code_redemption.code_id
                JOIN users ON users.id = code_redemption.user_id WHERE access_code.code = \(code) ORDER BY code_redemption.redeemed_at
                """
            ) { (email: try $0["email"] as String, at: try $0["redeemed_at"] as Date) }
            return record
        }
    }

    func revoke(_ typed: String, now: Date) async throws -> Bool? {
        guard let code = AccessCode.normalize(typed) else { return nil }
        return try await database.write(changesPublicPages: false) { runner -> Bool? in
            // Locked, so that of two operators revoking the same code at once the second hears it was already revoked.
            guard
                let revokedAt = try await runner.one(
                    "SELECT revoked_at FROM access_code WHERE code = \(code) FOR NO KEY UPDATE", { try $0["revoked_at"] as Date? })
            else { return nil }
            guard revokedAt == nil else { return false }
            try await runner.execute("UPDATE access_code SET revoked_at = \(now) WHERE code = \(code)")
            return true
        }
    }

    func redeem(_ typed: String, userID: Int64, courseID: Int64, now: Date) async throws -> Result<PlaceOutcome, AccessCodeProblem> {
        try await database.write { runner -> Result<PlaceOutcome, AccessCodeProblem> in
            // The course row first: every seat-taking write of the course waits its turn here, as behind SQLite's writer.
            _ = try await PostgresSeats.state(runner, courseID: courseID, now: now)
            try await PostgresSeats.serveQueueFirst(runner, courseID: courseID, now: now)
            if try await PostgresSeats.isEnrolled(runner, userID: userID, courseID: courseID) { return .success(.alreadyEnrolled) }
            if let position = try await PostgresSeats.position(runner, userID: userID, courseID: courseID) {
                return .success(.waitlisted(position: position))
            }
            // The code row is locked too before its uses are counted, so a code for N places gives exactly N.
            guard let normalized = AccessCode.normalize(typed),
                let code = try await runner.one(
                    """
                    SELECT id, uses, uses_allowed, expires_at, revoked_at FROM access_code
                    WHERE code = \(normalized) AND course_id = \(courseID) FOR NO KEY UPDATE
                    """,
                    { row in
                        (
                            id: try row["id"] as Int64, uses: try row["uses"] as Int, usesAllowed: try row["uses_allowed"] as Int,
                            expiresAt: try row["expires_at"] as Date?, revokedAt: try row["revoked_at"] as Date?
                        )
                    })
            else { return .failure(.unknown) }
            let redeemed = try await runner.exists("SELECT 1 FROM code_redemption WHERE code_id = \(code.id) AND user_id = \(userID)")
            if let problem = AccessCodeProblem.of(
                revokedAt: code.revokedAt, alreadyRedeemed: redeemed, uses: code.uses, usesAllowed: code.usesAllowed, expiresAt: code.expiresAt,
                now: now)
            {
                return .failure(problem)
            }
            guard let course = try await PostgresSeats.state(runner, courseID: courseID, now: now) else { return .success(.refused(.closed(now))) }
            // Codes give places only while the course is sold by code: never a way round approval.
            guard course.mode == .code else { return .success(.needs(course.mode)) }
            let outcome: PlaceOutcome
            switch course.state {
            case .open:
                try await PostgresSeats.enrol(runner, userID: userID, courseID: courseID, now: now)
                outcome = .enrolled
            case .full:
                outcome = .waitlisted(position: try await PostgresSeats.wait(runner, userID: userID, courseID: courseID, codeID: code.id, now: now))
            case .notYetOpen, .closed:
                return .success(.refused(course.state))
            }
            try await runner.execute("UPDATE access_code SET uses = uses + 1 WHERE id = \(code.id)")
            try await runner.execute("INSERT INTO code_redemption (code_id, user_id, redeemed_at) VALUES (\(code.id), \(userID), \(now))")
            return .success(outcome)
        }
    }
}

extension AccessCodeRecord {
    init(columns row: Columns) throws {
        self.init(
            code: try row["code"], courseSlug: try row["slug"], usesAllowed: try row["uses_allowed"], uses: try row["uses"],
            expiresAt: try row["expires_at"], note: try row["note"], createdAt: try row["created_at"], revokedAt: try row["revoked_at"])
    }
}
