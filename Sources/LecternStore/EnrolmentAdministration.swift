import Foundation
import GRDB
import LecternCore

/// One enrolment as `lectern enrolment list` and `user show` report it.
public struct EnrolmentRecord: Sendable, Equatable {
    public var email: String
    public var name: String
    public var courseSlug: String
    public var courseTitle: String
    public var enrolledAt: Date
    public var progress: CourseProgress
    /// The learner's certificate for the course, if one was issued (and whether it was revoked).
    public var certificateCode: String?
    /// Set when an operator admitted the learner beyond the course's seats, and why.
    public var overCapacityReason: String?
}

/// One certificate as `lectern certificate list` reports it.
public struct CertificateRecord: Sendable, Equatable {
    public var certificate: Certificate
    /// The holder's current email, or nil when the account was deleted.
    public var email: String?
}

extension SQLiteEnrolmentStore {
    /// Enrolments, oldest first, of one course or of all; or of one learner.
    public func records(courseSlug: String? = nil, userID: Int64? = nil) async throws -> [EnrolmentRecord] {
        try await database.pool.read { db in
            var conditions = ["1 = 1"]
            var arguments: StatementArguments = []
            if let courseSlug {
                conditions.append("course.slug = ?")
                _ = arguments.append(contentsOf: [courseSlug])
            }
            if let userID {
                conditions.append("users.id = ?")
                _ = arguments.append(contentsOf: [userID])
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT users.id AS user_id, users.email, users.name, course.id AS course_id, course.slug, course.title, enrolment.enrolled_at,
                        enrolment.over_capacity_reason, certificate.code
                    FROM enrolment
                    JOIN users ON users.id = enrolment.user_id
                    JOIN course ON course.id = enrolment.course_id
                    LEFT JOIN certificate ON certificate.user_id = enrolment.user_id AND certificate.course_id = enrolment.course_id
                        AND certificate.replaced_by IS NULL
                    WHERE \(conditions.joined(separator: " AND "))
                    ORDER BY enrolment.enrolled_at, enrolment.id
                    """,
                arguments: arguments)
            return try rows.map { row in
                EnrolmentRecord(
                    email: row["email"], name: row["name"], courseSlug: row["slug"], courseTitle: row["title"], enrolledAt: row["enrolled_at"],
                    progress: try Self.progress(db, userID: row["user_id"], courseID: row["course_id"]), certificateCode: row["code"],
                    overCapacityReason: row["over_capacity_reason"])
            }
        }
    }

    /// Certificates, newest first, of one course (by slug at issue time) or of all.
    public func certificateRecords(courseSlug: String? = nil) async throws -> [CertificateRecord] {
        try await database.pool.read { db in
            let filter = courseSlug == nil ? "" : "WHERE certificate.course_slug = ?"
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT certificate.*, users.email FROM certificate LEFT JOIN users ON users.id = certificate.user_id
                    \(filter) ORDER BY certificate.completed_at DESC, certificate.id DESC
                    """,
                arguments: courseSlug.map { [$0] } ?? []
            ).map { CertificateRecord(certificate: Certificate(row: $0), email: $0["email"]) }
        }
    }
}
