import Foundation
import GRDB
import LecternCore

/// `ContentStore` in SQLite, through GRDB.
public struct SQLiteContentStore: ContentStore {
    let database: LecternDatabase

    public init(database: LecternDatabase) {
        self.database = database
    }

    /// Reads `loader`'s folder, re-renders only changed files and applies everything in one transaction.
    /// A refused file leaves what was stored from it untouched; a vanished file's post is unpublished, keeping its views.
    public func sync(from loader: ContentLoader, now: Date = Date()) throws -> SyncReport {
        let (known, stamps) = try database.pool.read { db in
            var hashes: [String: String] = [:]
            var stamps: [String: String] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT source_path, content_hash, source_stamp FROM post WHERE is_removed = 0 AND source_path IS NOT NULL
                    UNION ALL SELECT source_path, content_hash, source_stamp FROM course WHERE is_removed = 0 AND source_path IS NOT NULL
                    UNION ALL SELECT source_path, content_hash, source_stamp FROM lesson WHERE is_removed = 0 AND source_path IS NOT NULL
                    """)
            {
                hashes[row[0]] = row[1]
                if let stamp: String = row[2] { stamps[row[0]] = stamp }
            }
            return (hashes, stamps)
        }
        let snapshot = try loader.load(knownHashes: known, knownStamps: stamps)
        let storedPages = try database.pool.read { db in
            Set(try String.fetchAll(db, sql: "SELECT source_path || ':' || content_hash FROM site_page UNION ALL SELECT source_path || ':' || content_hash FROM author"))
        }
        let pagesChanged = storedPages != ContentImport.pageKeys(of: snapshot)
        // Every file as stored and none gone: nothing to write, so a restart works on a full disk and keeps caches warm.
        if !pagesChanged, ContentImport.isUnchanged(snapshot, known: Set(known.keys)) { return ContentImport.unchangedReport(snapshot) }
        return try database.writeNow { db in
            var report = SyncReport()
            report.problems = snapshot.problems
            try Self.applyPosts(snapshot.posts, to: db, now: now, report: &report)
            let edited = try Self.applyCourses(snapshot.courses, to: db, now: now, report: &report)
            try Self.applyLessons(snapshot, to: db, now: now, report: &report)
            if pagesChanged { try Self.replacePages(snapshot, in: db) }
            // Content that changed a course's seats or its enrolment terms is an event, as an operator's change is.
            for (courseID, before) in edited.sorted(by: { $0.key < $1.key }) {
                let after = try Self.enrolmentTerms(db, courseID: courseID)
                if after.seats != before.seats { try SQLiteEventLog.append(db, .seatsChanged, userID: nil, subjectID: courseID, courseID: courseID, now: now) }
                if after.terms != before.terms {
                    try SQLiteEventLog.append(db, .enrolmentSwitched, userID: nil, subjectID: courseID, courseID: courseID, now: now)
                }
            }
            // A course whose content raised its capacity or moved its dates fills the seats it gained from its waitlist.
            for courseID in try Int64.fetchAll(db, sql: "SELECT DISTINCT course_id FROM waitlist") {
                try Seats.promote(db, courseID: courseID, now: now)
            }
            try Self.saveStamps(snapshot, in: db)
            return report
        }
    }

    /// Pages and author profiles are few: stored anew as a whole whenever one of them changed.
    private static func replacePages(_ snapshot: ContentSnapshot, in db: Database) throws {
        try db.execute(sql: "DELETE FROM site_page; DELETE FROM author;")
        for page in snapshot.pages {
            try db.execute(
                sql: "INSERT INTO site_page (slug, title, summary, nav, html, source_path, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [page.slug, page.title, page.summary, page.nav?.rawValue, page.html, page.sourcePath, page.contentHash])
        }
        for author in snapshot.authors {
            try db.execute(
                sql: "INSERT INTO author (slug, name, role, bio_html, photo, photo_alt, source_path, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [author.slug, author.name, author.role, author.bioHTML, author.photo, author.photoAlt, author.sourcePath, author.contentHash])
        }
    }

    /// Stamps of the files read this time, so the next import can skip them without reading while they stay as they are.
    private static func saveStamps(_ snapshot: ContentSnapshot, in db: Database) throws {
        for (table, stamps) in [("post", snapshot.posts.stamps), ("course", snapshot.courses.stamps), ("lesson", snapshot.lessons.stamps)] {
            let statement = try db.cachedStatement(sql: "UPDATE \(table) SET source_stamp = ? WHERE source_path = ? AND is_removed = 0")
            for (path, stamp) in stamps { try statement.execute(arguments: [stamp, path]) }
        }
    }

    private static func applyPosts(_ scan: ContentScan<PostDocument>, to db: Database, now: Date, report: inout SyncReport) throws {
        let stored = try Row.fetchAll(db, sql: "SELECT id, slug, source_path, is_removed FROM post").map {
            ContentImport.StoredPost(id: $0["id"], slug: $0["slug"], sourcePath: $0["source_path"], isRemoved: $0["is_removed"])
        }
        let plan = ContentImport.plan(scan, stored: stored)
        for action in plan.actions {
            switch action {
            case .update(let id, let post): try update(id, with: post, in: db, now: now)
            case .insert(let post): try insert(post, in: db, now: now)
            }
        }
        for id in plan.unpublish { try db.execute(sql: "UPDATE post SET is_removed = 1, updated_at = ? WHERE id = ?", arguments: [now, id]) }
        plan.record(in: &report)
    }

    private static func insert(_ post: PostDocument, in db: Database, now: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO post (slug, title, author, published_at, category, category_slug, tags, summary, cover, cover_alt, excerpt,
                    body_html, body_text, word_count, reading_minutes, is_draft, is_removed, source_path, content_hash, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
                """,
            arguments: [
                post.slug, post.title, post.author, post.date, post.category, post.categorySlug, JSONColumn.encode(post.tags), post.summary,
                post.cover, post.coverAlt, post.excerpt, post.html, post.searchText, post.wordCount, post.readingMinutes, post.isDraft,
                post.sourcePath, post.contentHash, now, now,
            ]
        )
        try replaceTags(of: db.lastInsertedRowID, with: post.tags, in: db)
    }

    private static func update(_ id: Int64, with post: PostDocument, in db: Database, now: Date) throws {
        try db.execute(
            sql: """
                UPDATE post SET title = ?, author = ?, published_at = ?, category = ?, category_slug = ?, tags = ?, summary = ?, cover = ?,
                    cover_alt = ?, excerpt = ?, body_html = ?, body_text = ?, word_count = ?, reading_minutes = ?, is_draft = ?, is_removed = 0,
                    source_path = ?, content_hash = ?, updated_at = ?
                WHERE id = ?
                """,
            arguments: [
                post.title, post.author, post.date, post.category, post.categorySlug, JSONColumn.encode(post.tags), post.summary, post.cover,
                post.coverAlt, post.excerpt, post.html, post.searchText, post.wordCount, post.readingMinutes, post.isDraft,
                post.sourcePath, post.contentHash, now, id,
            ]
        )
        try replaceTags(of: id, with: post.tags, in: db)
    }

    private static func replaceTags(of postID: Int64, with tags: [String], in db: Database) throws {
        try db.execute(sql: "DELETE FROM post_tag WHERE post_id = ?", arguments: [postID])
        for tag in tags {
            try db.execute(
                sql: "INSERT OR IGNORE INTO post_tag (post_id, slug, name) VALUES (?, ?, ?)", arguments: [postID, Slug.make(from: tag), tag])
        }
    }

    /// What a course's followers see change when the content edits it: its seats, and when and how it takes learners.
    static func enrolmentTerms(_ db: Database, courseID: Int64) throws -> (seats: DatabaseValue, terms: [DatabaseValue]) {
        let row = try Row.fetchOne(db, sql: "SELECT capacity, enrolment_opens, enrolment_closes, enrolment_mode FROM course WHERE id = ?", arguments: [courseID])
        let value = { (column: String) -> DatabaseValue in row?[column] ?? .null }
        return (value("capacity"), ["enrolment_opens", "enrolment_closes", "enrolment_mode"].map(value))
    }

    /// Returns the courses it edited, each with its enrolment terms as they were.
    private static func applyCourses(_ scan: ContentScan<CourseDocument>, to db: Database, now: Date, report: inout SyncReport) throws
        -> [Int64: (seats: DatabaseValue, terms: [DatabaseValue])]
    {
        var edited: [Int64: (seats: DatabaseValue, terms: [DatabaseValue])] = [:]
        report.coursesUnchanged = scan.unchangedPaths.count
        var kept = Set(scan.unchangedPaths + scan.failedPaths)
        for course in scan.changed {
            let values: [(any DatabaseValueConvertible)?] = [
                course.title, course.subtitle, course.level, course.duration, course.price, course.capacity, course.enrolmentOpens,
                course.enrolmentCloses, JSONColumn.encode(course.benefits), JSONColumn.encode(course.outcomes), JSONColumn.encode(course.instructors),
                JSONColumn.encode(course.modules), course.isFeatured, course.descriptionHTML, course.summary, course.sourcePath, course.contentHash,
                course.quizRetryMinutes, JSONColumn.encode(course.moduleOpensAfterDays), course.startsOn, course.enrolmentMode.rawValue,
                course.priceIncludes, now,
            ]
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM course WHERE slug = ?", arguments: [course.slug]) {
                edited[id] = try Self.enrolmentTerms(db, courseID: id)
                try db.execute(
                    sql: """
                        UPDATE course SET title = ?, subtitle = ?, level = ?, duration = ?, price = ?, capacity = ?, enrolment_opens = ?,
                            enrolment_closes = ?, benefits = ?, outcomes = ?, instructors = ?, modules = ?, is_featured = ?, description_html = ?,
                            summary = ?, source_path = ?, content_hash = ?, quiz_retry_minutes = ?, module_schedule = ?, starts_on = ?,
                            enrolment_mode = ?, price_includes = ?, updated_at = ?, is_removed = 0
                        WHERE id = ?
                        """,
                    arguments: StatementArguments(values + [id]))
                report.coursesUpdated += 1
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO course (title, subtitle, level, duration, price, capacity, enrolment_opens, enrolment_closes, benefits, outcomes,
                            instructors, modules, is_featured, description_html, summary, source_path, content_hash, quiz_retry_minutes, module_schedule,
                            starts_on, enrolment_mode, price_includes, updated_at, slug, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: StatementArguments(values + [course.slug, now]))
                report.coursesCreated += 1
            }
            kept.insert(course.sourcePath)
        }
        try db.execute(
            sql:
                "UPDATE course SET is_removed = 1, updated_at = ? WHERE is_removed = 0 AND (source_path IS NULL OR source_path NOT IN (SELECT value FROM json_each(?)))",
            arguments: [now, JSONColumn.encode(Array(kept))])
        return edited
    }

    /// Upserts changed lessons of each scanned course and retires lessons whose file is gone. Completions and
    /// certificates are never touched: a retired lesson simply stops counting towards progress.
    private static func applyLessons(_ snapshot: ContentSnapshot, to db: Database, now: Date, report: inout SyncReport) throws {
        let scan = snapshot.lessons
        report.lessonsUnchanged = scan.unchangedPaths.count
        var kept = Set(scan.unchangedPaths + scan.failedPaths)
        for lesson in scan.changed {
            guard let course = try Row.fetchOne(db, sql: "SELECT id, modules FROM course WHERE slug = ?", arguments: [lesson.courseSlug]) else {
                continue
            }
            let modules = JSONColumn.decode(course["modules"])
            if let problem = lesson.moduleProblem(modules: modules) {
                report.problems.append(problem)
                kept.insert(lesson.sourcePath)
                continue
            }
            let courseID: Int64 = course["id"]
            let values: [(any DatabaseValueConvertible)?] = [
                lesson.position, lesson.title, lesson.module, lesson.isOptional, lesson.html, lesson.readingMinutes, lesson.sourcePath,
                lesson.contentHash, lesson.kind.rawValue, lesson.isPreview, lesson.exerciseMinutes, lesson.quiz.map { JSONColumn.encode($0) },
                lesson.passMark, now,
            ]
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM lesson WHERE course_id = ? AND slug = ?", arguments: [courseID, lesson.slug]) {
                try db.execute(
                    sql: """
                        UPDATE lesson SET position = ?, title = ?, module = ?, is_optional = ?, body_html = ?, reading_minutes = ?, source_path = ?,
                            content_hash = ?, kind = ?, is_preview = ?, exercise_minutes = ?, quiz = ?, pass_mark = ?, updated_at = ?, is_removed = 0
                        WHERE id = ?
                        """,
                    arguments: StatementArguments(values + [id]))
                report.lessonsUpdated += 1
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO lesson (position, title, module, is_optional, body_html, reading_minutes, source_path, content_hash, kind,
                            is_preview, exercise_minutes, quiz, pass_mark, updated_at, course_id, slug, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: StatementArguments(values + [courseID, lesson.slug, now]))
                report.lessonsCreated += 1
            }
            kept.insert(lesson.sourcePath)
        }
        for course in snapshot.scannedCourses {
            try db.execute(
                sql: """
                    UPDATE lesson SET is_removed = 1, updated_at = ?
                    WHERE is_removed = 0 AND course_id = (SELECT id FROM course WHERE slug = ?)
                        AND (source_path IS NULL OR source_path NOT IN (SELECT value FROM json_each(?)))
                    """,
                arguments: [now, course, JSONColumn.encode(Array(kept))])
            report.lessonsRetired += db.changesCount
        }
    }
}
