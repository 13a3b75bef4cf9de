import Foundation
import LecternCore

/// `ContentStore` in PostgreSQL.
struct PostgresContentStore: ContentStore {
    let database: PostgresSiteDatabase

    /// The advisory lock imports take turns by ("LCCT").
    static let importLock: Int64 = 0x4C43_4354

    func sync(from loader: ContentLoader, now: Date) async throws -> SyncReport {
        try await Self.apply(database, from: loader, now: now)
    }

    /// Reads `loader`'s folder, re-renders only changed files and applies everything in one transaction.
    static func apply(_ database: PostgresSiteDatabase, from loader: ContentLoader, now: Date) async throws -> SyncReport {
        let stored = try await database.read { runner in
            try await runner.all(
                """
                SELECT source_path, content_hash, source_stamp FROM post WHERE NOT is_removed AND source_path IS NOT NULL
                UNION ALL SELECT source_path, content_hash, source_stamp FROM course WHERE NOT is_removed AND source_path IS NOT NULL
                UNION ALL SELECT source_path, content_hash, source_stamp FROM lesson WHERE NOT is_removed AND source_path IS NOT NULL
                """
            ) { (path: try $0["source_path"] as String, hash: try $0["content_hash"] as String?, stamp: try $0["source_stamp"] as String?) }
        }
        var known: [String: String] = [:]
        var stamps: [String: String] = [:]
        for file in stored {
            known[file.path] = file.hash ?? ""
            if let stamp = file.stamp { stamps[file.path] = stamp }
        }
        let snapshot = try loader.load(knownHashes: known, knownStamps: stamps)
        let storedPages = try await database.read { runner in
            try await runner.values(
                "SELECT source_path || ':' || content_hash FROM site_page UNION ALL SELECT source_path || ':' || content_hash FROM author",
                as: String.self)
        }
        let pagesChanged = Set(storedPages) != ContentImport.pageKeys(of: snapshot)
        // Every file as stored and none gone: nothing to write, so a restart works on a full disk and keeps caches warm.
        if !pagesChanged, ContentImport.isUnchanged(snapshot, known: Set(known.keys)) {
            return ContentImport.unchangedReport(snapshot)
        }
        return try await database.write { runner in
            // Imports take turns (instances starting together, `content sync` while another instance serves), as
            // SQLite's single writer makes them: each reads what the one before it wrote.
            try await runner.execute("SELECT pg_advisory_xact_lock(\(importLock))")
            // An import may change any course's seats or terms and fills seats from waitlists: every course is locked
            // first, in id order as every write holding several courses locks them, before any event is appended.
            try await runner.execute("SELECT count(*) FROM (SELECT 1 FROM course ORDER BY id FOR NO KEY UPDATE) AS locked")
            var report = SyncReport()
            report.problems = snapshot.problems
            try await applyPosts(snapshot.posts, runner, now: now, report: &report)
            let edited = try await applyCourses(snapshot.courses, runner, now: now, report: &report)
            try await applyLessons(snapshot, runner, now: now, report: &report)
            if pagesChanged { try await replacePages(snapshot, runner) }
            // Content that changed a course's seats or its enrolment terms is an event, as an operator's change is.
            for (courseID, before) in edited.sorted(by: { $0.key < $1.key }) {
                let after = try await enrolmentTerms(runner, courseID: courseID)
                if after.seats != before.seats {
                    try await PostgresEventLog.append(runner, .seatsChanged, userID: nil, subjectID: courseID, courseID: courseID, now: now)
                }
                if after.terms != before.terms {
                    try await PostgresEventLog.append(runner, .enrolmentSwitched, userID: nil, subjectID: courseID, courseID: courseID, now: now)
                }
            }
            // A course whose content raised its capacity or moved its dates fills the seats it gained from its waitlist.
            for courseID in try await runner.values("SELECT DISTINCT course_id FROM waitlist ORDER BY course_id", as: Int64.self) {
                try await PostgresSeats.promote(runner, courseID: courseID, now: now)
            }
            try await saveStamps(snapshot, runner)
            return report
        }
    }

    /// Pages and author profiles are few: stored anew as a whole whenever one of them changed.
    private static func replacePages(_ snapshot: ContentSnapshot, _ runner: QueryRunner) async throws {
        try await runner.execute("DELETE FROM site_page")
        try await runner.execute("DELETE FROM author")
        for page in snapshot.pages {
            try await runner.execute(
                """
                INSERT INTO site_page (slug, title, summary, nav, html, source_path, content_hash)
                VALUES (\(page.slug), \(page.title), \(page.summary), \(page.nav?.rawValue), \(page.html), \(page.sourcePath), \(page.contentHash))
                """)
        }
        for author in snapshot.authors {
            try await runner.execute(
                """
                INSERT INTO author (slug, name, role, bio_html, photo, photo_alt, source_path, content_hash)
                VALUES (\(author.slug), \(author.name), \(author.role), \(author.bioHTML), \(author.photo), \(author.photoAlt), \(author.sourcePath),
                    \(author.contentHash))
                """)
        }
    }

    /// Stamps of the files read this time, so the next import can skip them without reading while they stay as they are.
    private static func saveStamps(_ snapshot: ContentSnapshot, _ runner: QueryRunner) async throws {
        for (table, stamps) in [("post", snapshot.posts.stamps), ("course", snapshot.courses.stamps), ("lesson", snapshot.lessons.stamps)] {
            let paths = Array(stamps.keys)
            let values = paths.map { stamps[$0] ?? "" }
            try await runner.execute(
                """
                UPDATE \(unescaped: table) SET source_stamp = stamp.value
                FROM unnest(\(paths)::text[], \(values)::text[]) AS stamp(path, value)
                WHERE \(unescaped: table).source_path = stamp.path AND NOT \(unescaped: table).is_removed
                """)
        }
    }

    private static func applyPosts(_ scan: ContentScan<PostDocument>, _ runner: QueryRunner, now: Date, report: inout SyncReport) async throws {
        let stored = try await runner.all("SELECT id, slug, source_path, is_removed FROM post") {
            ContentImport.StoredPost(id: try $0["id"], slug: try $0["slug"], sourcePath: try $0["source_path"], isRemoved: try $0["is_removed"])
        }
        let plan = ContentImport.plan(scan, stored: stored)
        // The rows this import writes are locked in id order first, as `addViews` locks the rows it counts: an import
        // and a flush of view counts never wait on each other in a cycle.
        try await runner.execute(
            """
            SELECT count(*) FROM (
                SELECT 1 FROM post WHERE id = ANY(\(plan.writtenIDs)) OR (source_path = ANY(\(Array(scan.stamps.keys))) AND NOT is_removed)
                ORDER BY id FOR NO KEY UPDATE
            ) AS locked
            """)
        for action in plan.actions {
            switch action {
            case .update(let id, let post): try await update(id, with: post, runner, now: now)
            case .insert(let post): try await insert(post, runner, now: now)
            }
        }
        try await runner.execute("UPDATE post SET is_removed = true, updated_at = \(now) WHERE id = ANY(\(plan.unpublish))")
        plan.record(in: &report)
    }

    private static func insert(_ post: PostDocument, _ runner: QueryRunner, now: Date) async throws {
        let id = try await runner.value(
            """
            INSERT INTO post (slug, title, author, published_at, category, category_slug, tags, summary, cover, cover_alt, excerpt,
                body_html, body_text, word_count, reading_minutes, is_draft, is_removed, source_path, content_hash, created_at, updated_at)
            VALUES (\(post.slug), \(post.title), \(post.author), \(post.date), \(post.category), \(post.categorySlug),
                \(JSONColumn.encode(post.tags)), \(post.summary), \(post.cover), \(post.coverAlt), \(post.excerpt), \(post.html), \(post.searchText),
                \(post.wordCount), \(post.readingMinutes), \(post.isDraft), false, \(post.sourcePath), \(post.contentHash), \(now), \(now))
            RETURNING id
            """, as: Int64.self)
        if let id { try await replaceTags(of: id, with: post.tags, runner) }
    }

    private static func update(_ id: Int64, with post: PostDocument, _ runner: QueryRunner, now: Date) async throws {
        try await runner.execute(
            """
            UPDATE post SET title = \(post.title), author = \(post.author), published_at = \(post.date), category = \(post.category),
                category_slug = \(post.categorySlug), tags = \(JSONColumn.encode(post.tags)), summary = \(post.summary), cover = \(post.cover),
                cover_alt = \(post.coverAlt), excerpt = \(post.excerpt), body_html = \(post.html), body_text = \(post.searchText),
                word_count = \(post.wordCount), reading_minutes = \(post.readingMinutes), is_draft = \(post.isDraft), is_removed = false,
                source_path = \(post.sourcePath), content_hash = \(post.contentHash), updated_at = \(now)
            WHERE id = \(id)
            """)
        try await replaceTags(of: id, with: post.tags, runner)
    }

    /// In the order written: of two tags with one slug, the first one's name is kept.
    private static func replaceTags(of postID: Int64, with tags: [String], _ runner: QueryRunner) async throws {
        let slugs = tags.map { Slug.make(from: $0) }
        try await runner.execute("DELETE FROM post_tag WHERE post_id = \(postID)")
        try await runner.execute(
            """
            INSERT INTO post_tag (post_id, slug, name)
            SELECT \(postID), tag.slug, tag.name FROM unnest(\(slugs)::text[], \(tags)::text[]) WITH ORDINALITY AS tag(slug, name, position)
            ORDER BY tag.position
            ON CONFLICT DO NOTHING
            """)
    }

    /// What a course's followers see change when the content edits it: its seats, and when and how it takes learners.
    private struct EnrolmentTerms {
        struct Terms: Equatable {
            var opens: Date?
            var closes: Date?
            var mode: String?
        }

        var seats: Int?
        var terms = Terms()
    }

    private static func enrolmentTerms(_ runner: QueryRunner, courseID: Int64) async throws -> EnrolmentTerms {
        try await runner.one("SELECT capacity, enrolment_opens, enrolment_closes, enrolment_mode FROM course WHERE id = \(courseID)") {
            EnrolmentTerms(
                seats: try $0["capacity"],
                terms: .init(opens: try $0["enrolment_opens"], closes: try $0["enrolment_closes"], mode: try $0["enrolment_mode"]))
        } ?? EnrolmentTerms()
    }

    /// Returns the courses it edited, each with its enrolment terms as they were.
    private static func applyCourses(_ scan: ContentScan<CourseDocument>, _ runner: QueryRunner, now: Date, report: inout SyncReport) async throws
        -> [Int64: EnrolmentTerms]
    {
        var edited: [Int64: EnrolmentTerms] = [:]
        report.coursesUnchanged = scan.unchangedPaths.count
        var kept = Set(scan.unchangedPaths + scan.failedPaths)
        for course in scan.changed {
            let benefits = JSONColumn.encode(course.benefits)
            let outcomes = JSONColumn.encode(course.outcomes)
            let instructors = JSONColumn.encode(course.instructors)
            let modules = JSONColumn.encode(course.modules)
            let schedule = JSONColumn.encode(course.moduleOpensAfterDays)
            if let id = try await runner.value("SELECT id FROM course WHERE slug = \(course.slug)", as: Int64.self) {
                edited[id] = try await enrolmentTerms(runner, courseID: id)
                try await runner.execute(
                    """
                    UPDATE course SET title = \(course.title), subtitle = \(course.subtitle), level = \(course.level), duration = \(course.duration),
                        price = \(course.price), capacity = \(course.capacity), enrolment_opens = \(course.enrolmentOpens),
                        enrolment_closes = \(course.enrolmentCloses), benefits = \(benefits), outcomes = \(outcomes), instructors = \(instructors),
                        modules = \(modules), is_featured = \(course.isFeatured), description_html = \(course.descriptionHTML),
                        summary = \(course.summary), source_path = \(course.sourcePath), content_hash = \(course.contentHash),
                        quiz_retry_minutes = \(course.quizRetryMinutes), module_schedule = \(schedule), starts_on = \(course.startsOn),
                        enrolment_mode = \(course.enrolmentMode.rawValue), price_includes = \(course.priceIncludes), updated_at = \(now),
                        is_removed = false
                    WHERE id = \(id)
                    """)
                report.coursesUpdated += 1
            } else {
                try await runner.execute(
                    """
                    INSERT INTO course (title, subtitle, level, duration, price, capacity, enrolment_opens, enrolment_closes, benefits, outcomes,
                        instructors, modules, is_featured, description_html, summary, source_path, content_hash, quiz_retry_minutes, module_schedule,
                        starts_on, enrolment_mode, price_includes, updated_at, slug, created_at)
                    VALUES (\(course.title), \(course.subtitle), \(course.level), \(course.duration), \(course.price), \(course.capacity),
                        \(course.enrolmentOpens), \(course.enrolmentCloses), \(benefits), \(outcomes), \(instructors), \(modules),
                        \(course.isFeatured), \(course.descriptionHTML), \(course.summary), \(course.sourcePath), \(course.contentHash),
                        \(course.quizRetryMinutes), \(schedule), \(course.startsOn), \(course.enrolmentMode.rawValue), \(course.priceIncludes),
                        \(now), \(course.slug), \(now))
                    """)
                report.coursesCreated += 1
            }
            kept.insert(course.sourcePath)
        }
        try await runner.execute(
            """
            UPDATE course SET is_removed = true, updated_at = \(now)
            WHERE NOT is_removed AND (source_path IS NULL OR source_path <> ALL(\(Array(kept))::text[]))
            """)
        return edited
    }

    /// Upserts changed lessons of each scanned course and retires lessons whose file is gone. Completions and
    /// certificates are never touched: a retired lesson simply stops counting towards progress.
    private static func applyLessons(_ snapshot: ContentSnapshot, _ runner: QueryRunner, now: Date, report: inout SyncReport) async throws {
        let scan = snapshot.lessons
        report.lessonsUnchanged = scan.unchangedPaths.count
        var kept = Set(scan.unchangedPaths + scan.failedPaths)
        for lesson in scan.changed {
            guard
                let course = try await runner.one(
                    "SELECT id, modules FROM course WHERE slug = \(lesson.courseSlug)",
                    { (id: try $0["id"] as Int64, modules: try $0["modules"] as String) })
            else { continue }
            if let problem = lesson.moduleProblem(modules: JSONColumn.decode(course.modules)) {
                report.problems.append(problem)
                kept.insert(lesson.sourcePath)
                continue
            }
            let quiz = lesson.quiz.map { JSONColumn.encode($0) }
            if let id = try await runner.value("SELECT id FROM lesson WHERE course_id = \(course.id) AND slug = \(lesson.slug)", as: Int64.self) {
                try await runner.execute(
                    """
                    UPDATE lesson SET position = \(lesson.position), title = \(lesson.title), module = \(lesson.module),
                        is_optional = \(lesson.isOptional), body_html = \(lesson.html), reading_minutes = \(lesson.readingMinutes),
                        source_path = \(lesson.sourcePath), content_hash = \(lesson.contentHash), kind = \(lesson.kind.rawValue),
                        is_preview = \(lesson.isPreview), exercise_minutes = \(lesson.exerciseMinutes), quiz = \(quiz),
                        pass_mark = \(lesson.passMark), updated_at = \(now), is_removed = false
                    WHERE id = \(id)
                    """)
                report.lessonsUpdated += 1
            } else {
                try await runner.execute(
                    """
                    INSERT INTO lesson (position, title, module, is_optional, body_html, reading_minutes, source_path, content_hash, kind,
                        is_preview, exercise_minutes, quiz, pass_mark, updated_at, course_id, slug, created_at)
                    VALUES (\(lesson.position), \(lesson.title), \(lesson.module), \(lesson.isOptional), \(lesson.html), \(lesson.readingMinutes),
                        \(lesson.sourcePath), \(lesson.contentHash), \(lesson.kind.rawValue), \(lesson.isPreview), \(lesson.exerciseMinutes), \(quiz),
                        \(lesson.passMark), \(now), \(course.id), \(lesson.slug), \(now))
                    """)
                report.lessonsCreated += 1
            }
            kept.insert(lesson.sourcePath)
        }
        for course in snapshot.scannedCourses {
            report.lessonsRetired +=
                try await runner.value(
                    """
                    WITH retired AS (
                        UPDATE lesson SET is_removed = true, updated_at = \(now)
                        WHERE NOT is_removed AND course_id = (SELECT id FROM course WHERE slug = \(course))
                            AND (source_path IS NULL OR source_path <> ALL(\(Array(kept))::text[]))
                        RETURNING 1
                    )
                    SELECT count(*) FROM retired
                    """, as: Int.self) ?? 0
        }
    }
}
