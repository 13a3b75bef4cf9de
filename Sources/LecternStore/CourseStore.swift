import Foundation
import GRDB
import LecternCore

/// Reads courses. (Enrolment and lessons have stores of their own.)
public struct CourseStore: Sendable {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    /// The course marked `featured: true`, else the first course by title; nil when there is none.
    public func featured() async throws -> CourseSummary? {
        try await database.pool.read { db in
            try Row.fetchOne(
                db,
                sql:
                    "SELECT slug, title, subtitle, level, duration, price, summary, benefits FROM course WHERE is_removed = 0 ORDER BY is_featured DESC, title LIMIT 1"
            ).map(CourseSummary.init(row:))
        }
    }
}

extension CourseSummary {
    init(row: Row) {
        self.init(
            slug: row["slug"],
            title: row["title"],
            subtitle: row["subtitle"],
            level: row["level"],
            duration: row["duration"],
            price: row["price"],
            summary: row["summary"],
            benefits: JSONColumn.decode(row["benefits"])
        )
    }
}
