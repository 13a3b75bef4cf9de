import Foundation
import LecternCore
import LecternTestSupport
import Testing

@testable import LecternStore

/// The PostgreSQL backend's own behaviour: opening, migrating, refusing, and the rules SQLite got from its single
/// writer (here row locks), checked under real concurrency.
@Suite(.enabled(if: TestPostgres.serverURL != nil, "needs LECTERN_TEST_POSTGRES_URL (scripts/test sets it)"))
struct PostgresBackendTests {
    @Test func bothBackendsKnowTheSameMigrationsInTheSameOrder() throws {
        #expect(PostgresMigrations.names == (try LecternMigrations.all()))
    }

    /// postgres-nio drops a statement written after a closed connection's handlers are gone, and its caller would wait
    /// for ever (as when PostgreSQL restarts between an error and the ROLLBACK that follows it): it must fail at once.
    /// The limit ends the wait for ever; with every test at once on 2 cores this one can take 90 s.
    @Test(.timeLimit(.minutes(3))) func aStatementOnAConnectionTheServerEndedFailsAtOnce() async throws {
        try await TestPostgres.withDatabase { database in
            await #expect(throws: StorageUnavailableError.self) {
                try await database.read { runner in
                    _ = try? await runner.execute("SELECT pg_terminate_backend(pg_backend_pid())")
                    try? await runner.connection.closeFuture.get()
                    try await runner.execute("SELECT 1")
                }
            }
        }
    }

    @Test func instancesStartingTogetherMigrateOnce() async throws {
        guard let url = try await Self.emptyDatabase() else { return }
        let opened = try await withThrowingTaskGroup(of: PostgresSiteDatabase.self) { group in
            for _ in 0..<3 { group.addTask { try await PostgresSiteDatabase.open(url: url) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let status = try await opened[0].migrationStatus()
        #expect(status.applied == PostgresMigrations.names)
        #expect(status.pending.isEmpty)
        #expect(try await opened[0].siteSecret().count == 32)
        for database in opened { try await database.close() }
        try await TestPostgres.drop(url.database)
    }

    @Test func aDatabaseOfANewerLecternIsRefused() async throws {
        let url = try await TestPostgres.makeDatabase()
        let database = try await PostgresSiteDatabase.open(url: url)
        try await database.write { runner in
            try await runner.execute("INSERT INTO lectern_migrations (name, applied_at) VALUES ('2099-01-01-from-the-future', now())")
        }
        try await database.close()
        do {
            _ = try await PostgresSiteDatabase.open(url: url)
            Issue.record("a newer schema was opened")
        } catch {
            #expect(error.description.contains("newer version of Lectern"))
            #expect(error.description.contains("2099-01-01-from-the-future"))
        }
        try await TestPostgres.drop(url.database)
    }

    @Test func anEmptyDatabaseWithOnlyViewsIsLecternsToMigrate() async throws {
        guard let url = try await Self.emptyDatabase() else { return }
        // A view (as pg_stat_statements adds) is not another application's data; a table would be.
        try await TestPostgres.admin(url, "CREATE VIEW monitoring AS SELECT 1 AS one")
        let database = try await PostgresSiteDatabase.open(url: url)
        #expect(try await database.migrationStatus().pending.isEmpty)
        try await database.close()
        try await TestPostgres.admin(url, "CREATE TABLE orders (id integer)")
        _ = try await PostgresSiteDatabase.open(url: url).close()  // migrated: Lectern's own now, whatever else it holds
        try await TestPostgres.drop(url.database)
    }

    /// A new database with nothing in it (not the migrated template), or nil without a server.
    private static func emptyDatabase() async throws -> PostgresURL? {
        guard let server = TestPostgres.serverURL else { return nil }
        let name = "e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await TestPostgres.admin(server, "CREATE DATABASE \(name)")
        var url = server
        url.database = String(name)
        return url
    }

    @Test func aServerThatIsNotThereIsNamedInOneLine() async throws {
        let url = try PostgresURL("postgres://lectern:secret@127.0.0.1:1/lectern")
        do {
            _ = try await PostgresSiteDatabase.open(url: url)
            Issue.record("opened a server that is not there")
        } catch {
            #expect(error.description.contains("cannot be reached at 127.0.0.1:1"))
            #expect(!error.description.contains("secret"))
        }
    }

    @Test func twoSignUpsForOneAddressMakeOneAccount() async throws {
        try await TestPostgres.withDatabase { database in
            let users = PostgresUserStore(database: database)
            let email = try EmailAddress("ada@example.com")
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for number in 0..<8 {
                    group.addTask {
                        do {
                            _ = try await users.create(
                                email: email, name: "Ada \(number)", passwordHash: "$argon2id$x", role: .learner, verified: false, now: Date())
                            return true
                        } catch { return false }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            do {
                _ = try await users.create(email: email, name: "Ada", passwordHash: "x", role: .learner, verified: false, now: Date())
                Issue.record("a taken address made a second account")
            } catch let failure as UserStore.Failure {
                #expect(failure == .emailTaken)
            }
        }
    }

    @Test func twoOperatorsCannotDemoteTheLastTwoAdministratorsAtOnce() async throws {
        try await TestPostgres.withDatabase { database in
            let users = PostgresUserStore(database: database)
            let first = try await users.create(
                email: try EmailAddress("a@example.com"), name: "A", passwordHash: "x", role: .admin, verified: true, now: Date())
            let second = try await users.create(
                email: try EmailAddress("b@example.com"), name: "B", passwordHash: "x", role: .admin, verified: true, now: Date())
            let results = await withTaskGroup(of: Bool.self) { group in
                for user in [first, second] {
                    group.addTask {
                        do {
                            try await users.setRole(userID: user.id, .learner, now: Date())
                            return true
                        } catch { return false }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            #expect(try await users.list(role: .admin, search: nil, limit: 10).count == 1)
        }
    }

    @Test func sixtyLearnersRacingForTenSeatsGetTenPlaces() async throws {
        try await TestPostgres.withDatabase { database in
            let courseID = try await Self.course(in: database, capacity: 10)
            let learners = try await Self.learners(60, in: database)
            let enrolled = try await withThrowingTaskGroup(of: Bool.self) { group in
                for learner in learners {
                    group.addTask {
                        try await database.write { runner in
                            guard let course = try await PostgresSeats.state(runner, courseID: courseID, now: Date()), course.state == .open else {
                                return false
                            }
                            try await PostgresSeats.enrol(runner, userID: learner, courseID: courseID, now: Date())
                            return true
                        }
                    }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(enrolled == 10)
            let count = try await database.read { runner in
                try await runner.value("SELECT count(*) FROM enrolment WHERE course_id = \(courseID)", as: Int.self)
            }
            #expect(count == 10)
        }
    }

    /// A new place is taken in one statement when nothing it was decided on changed once the course's row is locked:
    /// a reading that no longer holds (seat gone, settings changed, the learner already in) writes nothing, and the
    /// enrolment store then decides again under the lock.
    @Test func aPlaceDecidedOnAReadingThatNoLongerHoldsIsNotTakenInOneStatement() async throws {
        try await TestPostgres.withDatabase { database in
            let courseID = try await Self.course(in: database, capacity: 1)
            let learners = try await Self.learners(6, in: database)
            func reading(_ learner: Int64) async throws -> PostgresSeats.Reading {
                try #require(
                    try await database.read { runner in
                        try await PostgresSeats.reading(runner, courseID: courseID, userID: learner, locking: false)
                    })
            }
            func take(_ learners: [Int64], _ seen: PostgresSeats.Reading) async throws -> [Bool] {
                let key = PostgresSeats.NewPlaceKey(courseID: courseID, facts: seen.facts, capacity: seen.capacity)
                return try await database.writeAlone { runner in
                    try await PostgresSeats.enrolIfUnchanged(
                        runner, courseID: courseID, seen: key, places: learners.map { .init(userID: $0, now: Date()) })
                } ?? []
            }
            func takeAlone(_ learner: Int64, _ seen: PostgresSeats.Reading) async throws -> Bool {
                try await take([learner], seen) == [true]
            }
            let enrolments = PostgresEnrolmentStore(database: database)
            func placesAndEvents() async throws -> (places: Int, events: Int) {
                try await database.read { runner in
                    (
                        try await runner.value("SELECT count(*) FROM enrolment WHERE course_id = \(courseID)", as: Int.self) ?? -1,
                        try await runner.value(
                            "SELECT count(*) FROM event WHERE kind = \(EventKind.enrolled.rawValue) AND course_id = \(courseID)", as: Int.self) ?? -1
                    )
                }
            }

            // Read while the seat is free; another learner takes it before the statement runs.
            let early = try await reading(learners[0])
            #expect(early.course(at: Date()).state == .open && !early.enrolled)
            let revision = try await database.siteRevision()
            #expect(try await takeAlone(learners[1], try await reading(learners[1])))
            #expect(try await database.siteRevision() == revision + 1)
            #expect(try await takeAlone(learners[0], early) == false)
            #expect(try await placesAndEvents() == (1, 1))
            // The same learner twice from one reading: the second finds the first's place.
            let twice = try await reading(learners[2])
            try await database.write { runner in try await runner.execute("UPDATE course SET capacity = 5 WHERE id = \(courseID)") }
            let fresh = try await reading(learners[2])
            #expect(try await takeAlone(learners[2], twice) == false, "the capacity changed after this reading")
            #expect(try await takeAlone(learners[2], fresh))
            #expect(try await takeAlone(learners[2], fresh) == false)
            #expect(try await placesAndEvents() == (2, 2))
            // The store itself answers each case: a repeat from its first read, and a refusal decided under the lock.
            let again = try await enrolments.enrol(userID: learners[2], courseID: courseID, byOperator: false, overCapacityReason: nil, now: Date())
            #expect(again == .alreadyEnrolled)
            try await database.write { runner in
                try await runner.execute("UPDATE course SET operator_enrolment = 'closed', operator_enrolment_at = now() WHERE id = \(courseID)")
            }
            #expect(try await takeAlone(learners[0], early) == false)
            let outcome = try await enrolments.enrol(userID: learners[0], courseID: courseID, byOperator: false, overCapacityReason: nil, now: Date())
            #expect(outcome != .enrolled && outcome != .alreadyEnrolled)
            #expect(try await placesAndEvents() == (2, 2))
            // Places asked for together: in the order asked, while seats last; a learner asking twice is enrolled once.
            try await database.write { runner in
                try await runner.execute(
                    "UPDATE course SET operator_enrolment = NULL, operator_enrolment_at = NULL, capacity = 4 WHERE id = \(courseID)")
            }
            let more = Array(learners[3...])
            let open = try await reading(more[0])
            #expect(try await take([more[0], more[0], more[1], more[2]], open) == [true, false, true, false])
            #expect(try await placesAndEvents() == (4, 4))
        }
    }

    @Test func eventsAppendedTogetherAreReadBackInOrderWithNoneMissing() async throws {
        try await TestPostgres.withDatabase { database in
            let events = PostgresEventLog(database: database)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 0..<40 {
                    group.addTask { try await events.append(.lessonCompleted, userID: nil, subjectID: Int64(number), courseID: nil, now: Date()) }
                }
                try await group.waitForAll()
            }
            let read = try await events.events(after: 0, limit: 100)
            #expect(read.count == 40)
            #expect(read.map(\.id) == read.map(\.id).sorted())
            #expect(Set(read.compactMap(\.subjectID)) == Set((0..<40).map(Int64.init)))
            #expect(try await events.newestID() == read.last?.id)
        }
    }

    @Test func aCursorMovedByTwoReadersAtOnceIsMovedByOne() async throws {
        try await TestPostgres.withDatabase { database in
            let events = PostgresEventLog(database: database)
            let moved = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<6 { group.addTask { try await events.advance("mailer", from: 0, to: 5) } }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(moved == 1)
            #expect(try await events.position("mailer") == 5)
            #expect(try await events.advance("mailer", from: 5, to: 9))
            #expect(try await events.advance("mailer", from: 5, to: 12) == false)
        }
    }

    @Test func anotherConnectionsChangeIsHeardThroughNotify() async throws {
        try await TestPostgres.withDatabase { database in
            let heard = AsyncStream<Void>.makeStream()
            let observation = PostgresEventLog(database: database).observeAppends { heard.continuation.yield() }
            var iterator = heard.stream.makeAsyncIterator()
            // Observers are told once when the listener's LISTEN is in place: from then on every change is heard.
            await iterator.next()
            try await database.write { runner in try await runner.execute("SELECT 1") }
            await iterator.next()
            observation.cancel()
        }
    }

    @Test func sessionsLiveAndDieAsOnSQLite() async throws {
        try await TestPostgres.withDatabase { database in
            let user = try await PostgresUserStore(database: database).create(
                email: try EmailAddress("ada@example.com"), name: "Ada", passwordHash: "x", role: .learner, verified: true, now: Date())
            let sessions = PostgresSessionStore(database: database, lifetime: SessionLifetime(idle: 3600, absolute: 86_400))
            let start = Date()
            let (id, record) = try await sessions.create(userID: user.id, userAgent: "test", clientAddress: "127.0.0.1", now: start)
            let found = try await sessions.find(id: id, now: start.addingTimeInterval(10))
            #expect(found?.user?.email == "ada@example.com")
            #expect(found?.csrfToken == record.csrfToken)
            #expect(try await sessions.find(id: id, now: start.addingTimeInterval(3000 + 3601)) == nil)
            #expect(try await sessions.sessions(userID: user.id, now: start).isEmpty)
        }
    }

    @Test func theSearchVocabularyIsCheckedAndRebuiltFromThePosts() async throws {
        try await TestPostgres.withDatabase { database in
            try await database.write { runner in
                try await runner.execute(
                    """
                    INSERT INTO post (slug, title, author, published_at, category, category_slug, summary, excerpt, body_html, body_text,
                        word_count, reading_minutes, created_at, updated_at)
                    VALUES ('cafe', 'Café culture', 'Maya', now(), 'Flask', 'flask', 'Blueprints in a café', '', '', 'Flask blueprints explained',
                        4, 1, now(), now())
                    """)
            }
            #expect(try await database.check().isEmpty)
            let status = try await database.status()
            #expect(status.counts["posts"] == 1)
            #expect(status.pendingMigrations.isEmpty)
            try await database.write { runner in try await runner.execute("UPDATE post_vocab SET doc = doc + 3 WHERE term = 'cafe'") }
            let problems = try await database.check()
            #expect(problems.count == 1)
            #expect(problems.first?.contains("--repair-search") == true)
            try await database.rebuildSearchIndex()
            #expect(try await database.check().isEmpty)
        }
    }

    @Test func certificatesIssuedWhileOthersEnrolOnTheSameCourseNeitherDeadlockNorFail() async throws {
        let site = try TestSite()
        defer { site.delete() }
        try site.writeCourse("race", capacity: 100)
        try site.writeLesson("race", "01-only")
        try await TestPostgres.withDatabase { database in
            _ = try await database.content.sync(from: ContentLoader(root: site.content))
            let course = try #require(try await database.courses.course(slug: "race"))
            let lesson = try #require(course.lessons.first)
            var finishers: [User] = []
            var newcomers: [User] = []
            for number in 0..<30 {
                let user = try await database.users.create(
                    email: try EmailAddress("learner\(number)@example.com"), name: "Learner \(number)", passwordHash: "x", verified: true)
                if number < 10 {
                    _ = try await database.enrolments.enrol(userID: user.id, courseID: course.id)
                    finishers.append(user)
                } else {
                    newcomers.append(user)
                }
            }
            // Each finisher's completion issues a certificate (a row naming the course, under the event-append lock)
            // while each newcomer's enrolment holds the course row: the two orders that used to deadlock.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for user in finishers {
                    group.addTask {
                        _ = try await database.enrolments.complete(userID: user.id, courseID: course.id, lessonID: lesson.id, learnerName: user.name)
                    }
                }
                for user in newcomers { group.addTask { _ = try await database.enrolments.enrol(userID: user.id, courseID: course.id) } }
                try await group.waitForAll()
            }
            let raw = database.raw
            #expect(try await raw.integers(raw: "SELECT count(*) FROM certificate").first == 10)
            #expect(try await raw.integers(raw: "SELECT count(*) FROM enrolment").first == 30)
        }
    }

    /// A course row as a content sync would write it, with `capacity` seats, open now.
    /// `count` verified learners, by id.
    static func learners(_ count: Int, in database: PostgresSiteDatabase) async throws -> [Int64] {
        let users = PostgresUserStore(database: database)
        var learners: [Int64] = []
        for number in 0..<count {
            learners.append(
                try await users.create(
                    email: try EmailAddress("learner\(number)@example.com"), name: "Learner \(number)", passwordHash: "x", role: .learner,
                    verified: true, now: Date()
                ).id)
        }
        return learners
    }

    static func course(in database: PostgresSiteDatabase, capacity: Int) async throws -> Int64 {
        try await database.write { runner in
            try await runner.value(
                """
                INSERT INTO course (slug, title, subtitle, level, duration, price, capacity, description_html, summary, created_at, updated_at)
                VALUES ('race', 'Race', '', 'beginner', '1 week', 'free', \(capacity), '', '', now(), now()) RETURNING id
                """, as: Int64.self) ?? 0
        }
    }
}

@Suite struct SQLStatementsTests {
    @Test func semicolonsInQuotesDollarQuotesAndCommentsDoNotSplit() {
        let sql = """
            CREATE TABLE a (x TEXT DEFAULT 'a;b', "odd;name" INT); -- a comment; still one
            CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
            CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 2; END $body$;
            /* block; comment */ SELECT 'it''s; fine';
            -- only a comment;
            """
        let statements = SQLStatements.split(sql)
        #expect(statements.count == 4)
        #expect(statements[0].hasPrefix("CREATE TABLE a") && statements[0].hasSuffix("INT)"))
        #expect(statements[1].hasSuffix("$$ SELECT 1; $$"))
        #expect(statements[2].hasSuffix("$body$ BEGIN RETURN 2; END $body$"))
        #expect(statements[3].hasSuffix("SELECT 'it''s; fine'"))
    }

    @Test func everyPostgresMigrationSplitsIntoStatements() {
        for migration in PostgresMigrations.all {
            #expect(!SQLStatements.split(migration.sql).isEmpty, "\(migration.name)")
        }
    }
}
