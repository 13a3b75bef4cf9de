import Foundation
import LecternCLI
import LecternStore
import LecternTestSupport
import Testing

/// `--database` and `LECTERN_DATABASE_URL`: which database a command works on, and what it says when it cannot.
@Suite struct DatabaseLocationTests {
    @Test func aFileOrASqliteURLIsSQLiteAndAPostgresURLIsPostgreSQL() throws {
        #expect(try DatabaseLocation("db/site.sqlite") == .sqlite(path: "db/site.sqlite"))
        #expect(try DatabaseLocation("sqlite:db/site.sqlite") == .sqlite(path: "db/site.sqlite"))
        #expect(try DatabaseLocation("sqlite:///var/lib/site.sqlite") == .sqlite(path: "/var/lib/site.sqlite"))
        guard case .postgres(let url) = try DatabaseLocation("postgres://lectern:s3cret@db.internal:6543/school?pool=8") else {
            Issue.record("not PostgreSQL")
            return
        }
        #expect(url.host == "db.internal" && url.port == 6543 && url.database == "school" && url.maximumConnections == 8)
        #expect(url.redacted == "postgres://lectern:***@db.internal:6543/school")
    }

    @Test func aBadURLSaysWhatToFixAndNeverShowsThePassword() async throws {
        let site = try await CLISite()
        for (url, says) in [
            ("postgres://lectern:s3cret@/school", "has no host"), ("postgres://lectern:s3cret@db:5432/", "has no database name"),
            ("postgres://lectern:s3cret@db:5432/school?sslmode=maybe", "unknown sslmode 'maybe'"),
            ("postgres://lectern:s3cret@db:5432/school?pool=0", "pool=0"), ("mysql://root@db/school", "neither a file path"),
        ] {
            let run = await site.lectern(["db", "status", "--database", url], site: false)
            #expect(run.status != 0, "\(url)")
            #expect(run.errors.contains(says), "\(url): \(run.errors)")
            #expect(!run.errors.contains("s3cret"), "\(url): \(run.errors)")
        }
        let both = await site.lectern(["db", "status", "--database", "sqlite:a.sqlite", "--db", "b.sqlite"], site: false)
        #expect(both.status != 0 && both.errors.contains("give --database or --db, not both"))
    }

    @Test(.enabled(if: TestPostgres.serverURL != nil, "needs LECTERN_TEST_POSTGRES_URL"))
    func anOperatorRunsTheSiteOnPostgreSQL() async throws {
        let site = try await CLISite()
        let url = try await TestPostgres.makeDatabase()
        defer { Task { try? await TestPostgres.drop(url.database) } }
        let database = "postgres://\(url.username)@\(url.host):\(url.port)/\(url.database)"
        let migrate = await site.lectern(["db", "migrate", "--database", database], site: false)
        #expect(migrate.status == 0, "\(migrate.errors)")
        let sync = await site.lectern(["content", "sync", "--database", database, "--content", site.site.content.path], site: false)
        #expect(sync.status == 0, "\(sync.errors)")
        let create = await site.lectern(
            ["user", "create", "ada@example.com", "--name", "Ada", "--password-stdin", "--database", database], input: ["correct horse battery staple"],
            site: false)
        #expect(create.status == 0, "\(create.errors)")
        let enrol = await site.lectern(["enrolment", "add", "ada@example.com", "flask-certificate", "--database", database], site: false)
        #expect(enrol.status == 0, "\(enrol.errors)")
        let status = await site.lectern(["db", "status", "--json", "--database", database], site: false)
        let counts = try #require(try status.object()["counts"] as? [String: Int])
        #expect(counts["posts"] == 1 && counts["courses"] == 1 && counts["users"] == 1 && counts["enrolments"] == 1)
        let check = await site.lectern(["db", "check", "--database", database], site: false)
        #expect(check.status == 0, "\(check.errors)")
        let backup = await site.lectern(["db", "backup", "/tmp/never.sqlite", "--database", database], site: false)
        #expect(backup.status != 0 && backup.errors.contains("pg_dump"))
    }

    @Test func aPostgreSQLServerThatIsNotThereIsOneLine() async throws {
        let site = try await CLISite()
        let run = await site.lectern(["db", "status", "--database", "postgres://lectern:s3cret@127.0.0.1:1/school"], site: false)
        #expect(run.status != 0)
        #expect(run.errors.contains("cannot be reached at 127.0.0.1:1"))
        #expect(!run.errors.contains("s3cret"))
        #expect(run.errors.split(separator: "\n").count == 1)
    }
}
