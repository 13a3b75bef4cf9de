import Foundation
import GRDB
import LecternCore

/// One access code as the operator sees it.
public struct AccessCodeRecord: Sendable, Equatable {
    public var code: String
    public var courseSlug: String
    public var usesAllowed: Int
    public var uses: Int
    public var expiresAt: Date?
    public var note: String?
    public var createdAt: Date
    public var revokedAt: Date?
    /// Who used it, oldest first (filled by `show`).
    public var redeemedBy: [(email: String, at: Date)] = []

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.uses == rhs.uses && lhs.revokedAt == rhs.revokedAt }

    /// "unused", "used 2 of 5", "used up", "expired", "revoked".
    public func state(at now: Date) -> String {
        if revokedAt != nil { return "revoked" }
        if uses >= usesAllowed { return "used up" }
        if let expiresAt, expiresAt <= now { return "expired" }
        return uses == 0 ? "unused" : "used \(uses) of \(usesAllowed)"
    }
}

/// `AccessCodeStore` in SQLite, through GRDB.
public struct SQLiteAccessCodeStore: AccessCodeStore {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    /// `count` new codes for the course, each good for `usesPerCode` places.
    public func create(
        courseID: Int64, count: Int, usesPerCode: Int = 1, expiresAt: Date? = nil, note: String? = nil, now: Date = Date()
    ) async throws -> [AccessCodeRecord] {
        try await database.write(changesPublicPages: false) { db in
            let slug = try String.fetchOne(db, sql: "SELECT slug FROM course WHERE id = ?", arguments: [courseID]) ?? ""
            var made: [AccessCodeRecord] = []
            while made.count < count {
                let code = AccessCode.make()
                // 73 bits make a collision all but impossible; if one happens, draw again rather than fail the batch.
                try db.execute(
                    sql: "INSERT OR IGNORE INTO access_code (course_id, code, uses_allowed, expires_at, note, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [courseID, code, usesPerCode, expiresAt, note, now])
                guard db.changesCount > 0 else { continue }
                made.append(
                    AccessCodeRecord(code: code, courseSlug: slug, usesAllowed: usesPerCode, uses: 0, expiresAt: expiresAt, note: note, createdAt: now))
            }
            return made
        }
    }

    /// The course's codes, newest first.
    public func list(courseID: Int64) async throws -> [AccessCodeRecord] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT access_code.*, course.slug FROM access_code JOIN course ON course.id = access_code.course_id WHERE course_id = ? ORDER BY access_code.id DESC",
                arguments: [courseID]
            ).map(AccessCodeRecord.init(row:))
        }
    }

    /// A code with who used it; nil when there is no such code. `typed` may be in any case, with or without dashes.
    public func show(_ typed: String) async throws -> AccessCodeRecord? {
        guard let code = AccessCode.normalize(typed) else { return nil }
        return try await database.pool.read { db -> AccessCodeRecord? in
            guard
                var record = try Row.fetchOne(
                    db,
                    sql: "SELECT access_code.*, course.slug FROM access_code JOIN course ON course.id = access_code.course_id WHERE code = ?",
                    arguments: [code]
                ).map(AccessCodeRecord.init(row:))
            else { return nil }
            record.redeemedBy = try Row.fetchAll(
                db,
                sql: """
                    SELECT users.email, code_redemption.redeemed_at FROM code_redemption JOIN access_code ON access_code.id = code_redemption.code_id
                    JOIN users ON users.id = code_redemption.user_id WHERE access_code.code = ? ORDER BY code_redemption.redeemed_at
                    """, arguments: [code]
            ).map { ($0["email"], $0["redeemed_at"]) }
            return record
        }
    }

    /// Withdraws a code: it gives no more places (places already given stay). Returns nil for an unknown code,
    /// false when it was already revoked.
    public func revoke(_ typed: String, now: Date = Date()) async throws -> Bool? {
        guard let code = AccessCode.normalize(typed) else { return nil }
        return try await database.write(changesPublicPages: false) { db -> Bool? in
            guard let revoked = try Row.fetchOne(db, sql: "SELECT revoked_at FROM access_code WHERE code = ?", arguments: [code]) else { return nil }
            guard (revoked["revoked_at"] as Date?) == nil else { return false }
            try db.execute(sql: "UPDATE access_code SET revoked_at = ? WHERE code = ?", arguments: [now, code])
            return true
        }
    }

    /// Uses one place of the code for the learner: enrolled when a seat is free, on the waitlist (their place paid
    /// for) when the course is full. A refused attempt uses nothing up.
    public func redeem(_ typed: String, userID: Int64, courseID: Int64, now: Date = Date()) async throws -> Result<PlaceOutcome, AccessCodeProblem> {
        try await database.write { db -> Result<PlaceOutcome, AccessCodeProblem> in
            try Seats.serveQueueFirst(db, courseID: courseID, now: now)
            if try Seats.isEnrolled(db, userID: userID, courseID: courseID) { return .success(.alreadyEnrolled) }
            if let position = try Seats.position(db, userID: userID, courseID: courseID) { return .success(.waitlisted(position: position)) }
            guard let normalized = AccessCode.normalize(typed),
                let code = try Row.fetchOne(db, sql: "SELECT * FROM access_code WHERE code = ? AND course_id = ?", arguments: [normalized, courseID])
            else { return .failure(.unknown) }
            let codeID: Int64 = code["id"]
            let redeemed = try Bool.fetchOne(db, sql: "SELECT 1 FROM code_redemption WHERE code_id = ? AND user_id = ?", arguments: [codeID, userID]) == true
            if let problem = AccessCodeProblem.of(
                revokedAt: code["revoked_at"], alreadyRedeemed: redeemed, uses: code["uses"], usesAllowed: code["uses_allowed"], expiresAt: code["expires_at"],
                now: now)
            {
                return .failure(problem)
            }
            guard let course = try Seats.state(db, courseID: courseID, now: now) else { return .success(.refused(.closed(now))) }
            // Codes give places only while the course is sold by code: never a way round approval.
            guard course.mode == .code else { return .success(.needs(course.mode)) }
            let outcome: PlaceOutcome
            switch course.state {
            case .open:
                try Seats.enrol(db, userID: userID, courseID: courseID, now: now)
                outcome = .enrolled
            case .full:
                outcome = .waitlisted(position: try Seats.wait(db, userID: userID, courseID: courseID, codeID: codeID, now: now))
            case .notYetOpen, .closed:
                return .success(.refused(course.state))
            }
            try db.execute(sql: "UPDATE access_code SET uses = uses + 1 WHERE id = ?", arguments: [codeID])
            try db.execute(sql: "INSERT INTO code_redemption (code_id, user_id, redeemed_at) VALUES (?, ?, ?)", arguments: [codeID, userID, now])
            return .success(outcome)
        }
    }
}

extension AccessCodeRecord {
    init(row: Row) {
        self.init(
            code: row["code"], courseSlug: row["slug"], usesAllowed: row["uses_allowed"], uses: row["uses"], expiresAt: row["expires_at"],
            note: row["note"], createdAt: row["created_at"], revokedAt: row["revoked_at"])
    }
}
