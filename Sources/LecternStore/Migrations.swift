import Foundation
import GRDB
import LecternCore

/// The schema's history. Append only: a migration that has shipped is never edited, renamed or removed.
enum Migrations {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("2026-11-25-posts-and-courses") { db in
            try db.execute(sql: "PRAGMA application_id = \(LecternDatabase.applicationID)")
            try db.execute(
                sql: """
                    CREATE TABLE post (
                        id INTEGER PRIMARY KEY,
                        slug TEXT NOT NULL UNIQUE,
                        title TEXT NOT NULL,
                        author TEXT NOT NULL,
                        published_at DATETIME NOT NULL,
                        category TEXT NOT NULL,
                        category_slug TEXT NOT NULL,
                        tags TEXT NOT NULL DEFAULT '[]',
                        summary TEXT NOT NULL,
                        cover TEXT,
                        cover_alt TEXT,
                        excerpt TEXT NOT NULL,
                        body_html TEXT NOT NULL,
                        body_text TEXT NOT NULL,
                        word_count INTEGER NOT NULL,
                        reading_minutes INTEGER NOT NULL,
                        is_draft BOOLEAN NOT NULL DEFAULT 0,
                        is_removed BOOLEAN NOT NULL DEFAULT 0,
                        source_path TEXT,
                        content_hash TEXT,
                        view_count INTEGER NOT NULL DEFAULT 0 CHECK (view_count >= 0),
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL
                    );
                    CREATE INDEX post_published ON post(published_at DESC, id DESC) WHERE is_draft = 0 AND is_removed = 0;
                    CREATE INDEX post_category ON post(category_slug, published_at DESC) WHERE is_draft = 0 AND is_removed = 0;
                    CREATE INDEX post_source ON post(source_path);

                    CREATE TABLE post_tag (
                        post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
                        slug TEXT NOT NULL,
                        name TEXT NOT NULL,
                        PRIMARY KEY (post_id, slug)
                    ) WITHOUT ROWID;
                    CREATE INDEX post_tag_slug ON post_tag(slug, post_id);

                    CREATE VIRTUAL TABLE post_fts USING fts5(
                        title, summary, body_text,
                        content = 'post', content_rowid = 'id',
                        tokenize = 'porter unicode61 remove_diacritics 2'
                    );
                    CREATE TRIGGER post_fts_insert AFTER INSERT ON post BEGIN
                        INSERT INTO post_fts(rowid, title, summary, body_text) VALUES (new.id, new.title, new.summary, new.body_text);
                    END;
                    CREATE TRIGGER post_fts_delete AFTER DELETE ON post BEGIN
                        INSERT INTO post_fts(post_fts, rowid, title, summary, body_text) VALUES ('delete', old.id, old.title, old.summary, old.body_text);
                    END;
                    -- Only text changes touch the index: view counts are updated far more often.
                    CREATE TRIGGER post_fts_update AFTER UPDATE OF title, summary, body_text ON post BEGIN
                        INSERT INTO post_fts(post_fts, rowid, title, summary, body_text) VALUES ('delete', old.id, old.title, old.summary, old.body_text);
                        INSERT INTO post_fts(rowid, title, summary, body_text) VALUES (new.id, new.title, new.summary, new.body_text);
                    END;

                    CREATE TABLE course (
                        id INTEGER PRIMARY KEY,
                        slug TEXT NOT NULL UNIQUE,
                        title TEXT NOT NULL,
                        subtitle TEXT NOT NULL,
                        level TEXT NOT NULL,
                        duration TEXT NOT NULL,
                        price TEXT NOT NULL,
                        capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),
                        enrolment_opens DATETIME,
                        enrolment_closes DATETIME,
                        benefits TEXT NOT NULL DEFAULT '[]',
                        outcomes TEXT NOT NULL DEFAULT '[]',
                        instructors TEXT NOT NULL DEFAULT '[]',
                        modules TEXT NOT NULL DEFAULT '[]',
                        is_featured BOOLEAN NOT NULL DEFAULT 0,
                        description_html TEXT NOT NULL,
                        summary TEXT NOT NULL,
                        is_removed BOOLEAN NOT NULL DEFAULT 0,
                        source_path TEXT,
                        content_hash TEXT,
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("2026-11-25-accounts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE users (
                        id INTEGER PRIMARY KEY,
                        email TEXT NOT NULL,
                        email_key TEXT NOT NULL UNIQUE,
                        name TEXT NOT NULL,
                        password_hash TEXT NOT NULL,
                        role TEXT NOT NULL DEFAULT 'learner' CHECK (role IN ('learner', 'admin')),
                        disabled_at DATETIME,
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL
                    );

                    -- Only the SHA-256 of a session id is stored; the id itself lives in the browser's cookie.
                    CREATE TABLE sessions (
                        id_hash TEXT PRIMARY KEY,
                        user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
                        csrf_token TEXT NOT NULL,
                        created_at DATETIME NOT NULL,
                        last_seen_at DATETIME NOT NULL,
                        user_agent TEXT NOT NULL DEFAULT '',
                        client_address TEXT NOT NULL DEFAULT ''
                    ) WITHOUT ROWID;
                    CREATE INDEX sessions_user ON sessions(user_id);
                    CREATE INDEX sessions_last_seen ON sessions(last_seen_at);

                    CREATE TABLE password_resets (
                        token_hash TEXT PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        created_at DATETIME NOT NULL,
                        expires_at DATETIME NOT NULL,
                        used_at DATETIME
                    ) WITHOUT ROWID;
                    CREATE INDEX password_resets_user ON password_resets(user_id);

                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY,
                        recipient TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        body TEXT NOT NULL,
                        created_at DATETIME NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("2026-11-25-learning") { db in
            try db.execute(
                sql: """
                    CREATE TABLE lesson (
                        id INTEGER PRIMARY KEY,
                        course_id INTEGER NOT NULL REFERENCES course(id) ON DELETE CASCADE,
                        slug TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        title TEXT NOT NULL,
                        module TEXT NOT NULL,
                        is_optional BOOLEAN NOT NULL DEFAULT 0,
                        body_html TEXT NOT NULL,
                        reading_minutes INTEGER NOT NULL,
                        is_removed BOOLEAN NOT NULL DEFAULT 0,
                        source_path TEXT,
                        content_hash TEXT,
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL,
                        UNIQUE (course_id, slug)
                    );

                    CREATE TABLE enrolment (
                        id INTEGER PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        course_id INTEGER NOT NULL REFERENCES course(id) ON DELETE CASCADE,
                        enrolled_at DATETIME NOT NULL,
                        UNIQUE (user_id, course_id)
                    );
                    CREATE INDEX enrolment_course ON enrolment(course_id);

                    CREATE TABLE lesson_completion (
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        lesson_id INTEGER NOT NULL REFERENCES lesson(id) ON DELETE CASCADE,
                        completed_at DATETIME NOT NULL,
                        PRIMARY KEY (user_id, lesson_id)
                    ) WITHOUT ROWID;

                    -- Facts are copied at issue time: a certificate says what was true when it was earned.
                    CREATE TABLE certificate (
                        id INTEGER PRIMARY KEY,
                        code TEXT NOT NULL UNIQUE,
                        user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                        course_id INTEGER REFERENCES course(id) ON DELETE SET NULL,
                        learner_name TEXT NOT NULL,
                        course_title TEXT NOT NULL,
                        course_slug TEXT NOT NULL,
                        completed_at DATETIME NOT NULL,
                        revoked_at DATETIME,
                        revoke_reason TEXT,
                        UNIQUE (user_id, course_id)
                    );
                    """
            )
        }
        migrator.registerMigration("2026-11-25-operator-course-settings") { db in
            // Kept apart from the content's columns, which every `content sync` rewrites.
            try db.execute(
                sql: """
                    ALTER TABLE course ADD COLUMN operator_enrolment TEXT CHECK (operator_enrolment IN ('open', 'closed'));
                    ALTER TABLE course ADD COLUMN operator_enrolment_at DATETIME;
                    ALTER TABLE course ADD COLUMN operator_capacity_set BOOLEAN NOT NULL DEFAULT 0;
                    ALTER TABLE course ADD COLUMN operator_capacity INTEGER CHECK (operator_capacity IS NULL OR operator_capacity >= 0);
                    """
            )
        }
        migrator.registerMigration("2026-11-25-listing-indexes") { db in
            // Lets the category list read only this index instead of every post's row (10,000 rows with their bodies).
            try db.execute(
                sql: "CREATE INDEX post_category_listing ON post(category_slug, category) WHERE is_draft = 0 AND is_removed = 0"
            )
        }
        migrator.registerMigration("2026-11-25-site-revision") { db in
            // Bumped by every write that can change a public page, by the server and the CLI alike, so a server can
            // tell that another process changed the site by reading one row.
            try db.execute(
                sql: """
                    CREATE TABLE site_revision (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL);
                    INSERT INTO site_revision (id, revision) VALUES (1, 0);
                    """
            )
        }
        migrator.registerMigration("2026-11-25-source-stamps") { db in
            // Size and modification time of the file a row came from: an import skips files whose stamp still matches.
            try db.execute(
                sql: """
                    ALTER TABLE post ADD COLUMN source_stamp TEXT;
                    ALTER TABLE course ADD COLUMN source_stamp TEXT;
                    ALTER TABLE lesson ADD COLUMN source_stamp TEXT;
                    CREATE INDEX lesson_source ON lesson(source_path);
                    """
            )
        }
        migrator.registerMigration("2026-12-02-security-review") { db in
            // The key that signs form tokens, device cookies and visitor hashes: one per database, so every instance
            // and restart agrees on it; made here from the system's CSPRNG, never from SQLite's.
            try db.execute(sql: "CREATE TABLE site_secret (id INTEGER PRIMARY KEY CHECK (id = 1), secret BLOB NOT NULL)")
            try db.execute(sql: "INSERT INTO site_secret (id, secret) VALUES (1, ?)", arguments: [Data(SecretToken.randomBytes(32))])
            try db.execute(
                sql: """
                    CREATE TABLE email_changes (
                        token_hash TEXT PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        new_email TEXT NOT NULL,
                        new_email_key TEXT NOT NULL,
                        created_at DATETIME NOT NULL,
                        expires_at DATETIME NOT NULL,
                        used_at DATETIME
                    );
                    CREATE INDEX email_changes_user ON email_changes(user_id);
                    CREATE TABLE mail_log (
                        recipient_key TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        created_at DATETIME NOT NULL
                    );
                    CREATE INDEX mail_log_recipient ON mail_log(recipient_key, kind, created_at);
                    CREATE INDEX mail_log_created ON mail_log(created_at);
                    CREATE INDEX password_resets_expiry ON password_resets(expires_at);
                    CREATE INDEX outbox_created ON outbox(created_at);
                    CREATE TABLE address_conflicts (
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        email_key TEXT NOT NULL
                    );
                    """)
            // Addresses are now stored in NFC with a lowercase domain. Rows that become one address once normalised
            // are not merged: both keep their stored form and are listed for the operator (`lectern db check`).
            let rows = try Row.fetchAll(db, sql: "SELECT id, email FROM users ORDER BY id")
            let normalised = rows.map { row -> (id: Int64, email: String, key: String) in
                let email: String = row["email"]
                let value = (try? EmailAddress(email).value) ?? email
                return (row["id"], value, EmailAddress.key(value))
            }
            let groups = Dictionary(grouping: normalised, by: \.key)
            for (key, members) in groups {
                if members.count > 1 {
                    for member in members {
                        try db.execute(sql: "INSERT INTO address_conflicts (user_id, email_key) VALUES (?, ?)", arguments: [member.id, key])
                    }
                    continue
                }
                let member = members[0]
                try db.execute(sql: "UPDATE users SET email = ?, email_key = ? WHERE id = ?", arguments: [member.email, member.key, member.id])
            }
        }
        migrator.registerMigration("2026-12-02-knowledge-checks") { db in
            try db.execute(
                sql: """
                    ALTER TABLE lesson ADD COLUMN kind TEXT NOT NULL DEFAULT 'lesson' CHECK (kind IN ('lesson', 'checkpoint'));
                    ALTER TABLE lesson ADD COLUMN is_preview BOOLEAN NOT NULL DEFAULT 0;
                    ALTER TABLE lesson ADD COLUMN exercise_minutes INTEGER NOT NULL DEFAULT 0 CHECK (exercise_minutes >= 0);
                    ALTER TABLE lesson ADD COLUMN quiz TEXT;
                    ALTER TABLE lesson ADD COLUMN pass_mark INTEGER NOT NULL DEFAULT 80 CHECK (pass_mark BETWEEN 1 AND 100);
                    ALTER TABLE course ADD COLUMN quiz_retry_minutes INTEGER NOT NULL DEFAULT 0 CHECK (quiz_retry_minutes >= 0);
                    CREATE TABLE quiz_attempt (
                        id INTEGER PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        lesson_id INTEGER NOT NULL REFERENCES lesson(id) ON DELETE CASCADE,
                        quiz_version TEXT NOT NULL,
                        answers TEXT NOT NULL,
                        correct INTEGER NOT NULL,
                        total INTEGER NOT NULL,
                        score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
                        passed BOOLEAN NOT NULL,
                        created_at DATETIME NOT NULL
                    );
                    CREATE INDEX quiz_attempt_learner ON quiz_attempt(user_id, lesson_id, created_at);
                    """)
        }
        migrator.registerMigration("2026-12-02-checkpoints") { db in
            try db.execute(
                sql: """
                    CREATE TABLE course_instructor (
                        course_id INTEGER NOT NULL REFERENCES course(id) ON DELETE CASCADE,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        added_at DATETIME NOT NULL,
                        PRIMARY KEY (course_id, user_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX course_instructor_user ON course_instructor(user_id);
                    CREATE TABLE checkpoint_submission (
                        id INTEGER PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        lesson_id INTEGER NOT NULL REFERENCES lesson(id) ON DELETE CASCADE,
                        version INTEGER NOT NULL CHECK (version >= 1),
                        body TEXT NOT NULL,
                        link TEXT,
                        status TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'returned')),
                        submitted_at DATETIME NOT NULL,
                        reviewer_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                        reviewed_at DATETIME,
                        feedback TEXT,
                        UNIQUE (user_id, lesson_id, version)
                    );
                    CREATE INDEX checkpoint_submission_queue ON checkpoint_submission(status, submitted_at);
                    """)
        }
        migrator.registerMigration("2026-12-02-lesson-player") { db in
            // module_schedule: days after enrolment each module opens, parallel to `modules`; last_lesson_id: the learner's place.
            try db.execute(
                sql: """
                    ALTER TABLE course ADD COLUMN module_schedule TEXT NOT NULL DEFAULT '[]';
                    ALTER TABLE enrolment ADD COLUMN last_lesson_id INTEGER REFERENCES lesson(id) ON DELETE SET NULL;
                    """)
        }
        migrator.registerMigration("2026-12-02-certificate-assessment") { db in
            // SQLite cannot drop a UNIQUE constraint: the table is rebuilt so that a reissued certificate can sit beside the one it
            // replaces, while a learner still holds at most one current certificate per course (the partial unique index).
            try db.execute(
                sql: """
                    CREATE TABLE certificate_new (
                        id INTEGER PRIMARY KEY,
                        code TEXT NOT NULL UNIQUE,
                        user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                        course_id INTEGER REFERENCES course(id) ON DELETE SET NULL,
                        learner_name TEXT NOT NULL,
                        course_title TEXT NOT NULL,
                        course_slug TEXT NOT NULL,
                        completed_at DATETIME NOT NULL,
                        revoked_at DATETIME,
                        revoke_reason TEXT,
                        course_version TEXT,
                        lessons_completed INTEGER,
                        quizzes_passed INTEGER,
                        quiz_average INTEGER CHECK (quiz_average BETWEEN 0 AND 100),
                        checkpoints_approved INTEGER,
                        issued_at DATETIME,
                        replaced_by TEXT,
                        replaced_at DATETIME
                    );
                    INSERT INTO certificate_new (id, code, user_id, course_id, learner_name, course_title, course_slug, completed_at, revoked_at,
                        revoke_reason)
                    SELECT id, code, user_id, course_id, learner_name, course_title, course_slug, completed_at, revoked_at, revoke_reason
                    FROM certificate;
                    DROP TABLE certificate;
                    ALTER TABLE certificate_new RENAME TO certificate;
                    CREATE UNIQUE INDEX certificate_current ON certificate(user_id, course_id) WHERE replaced_by IS NULL;
                    """)
        }
        migrator.registerMigration("2026-12-02-event-log") { db in
            // Events stored first (DESIGN.md): a change worth telling someone about is appended in its own transaction;
            // notifiers read past a named cursor, which they advance with a compare-and-set so one instance sends each message.
            try db.execute(
                sql: """
                    CREATE TABLE event (
                        id INTEGER PRIMARY KEY,
                        kind TEXT NOT NULL,
                        user_id INTEGER,
                        subject_id INTEGER,
                        created_at DATETIME NOT NULL
                    );
                    CREATE TABLE event_cursor (
                        name TEXT PRIMARY KEY,
                        position INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("2026-12-02-cohort-start") { db in
            try db.execute(sql: "ALTER TABLE course ADD COLUMN starts_on DATETIME")
        }
        migrator.registerMigration("2026-12-02-over-capacity") { db in
            // Why an operator admitted a learner beyond the seats (`lectern enrolment add --over-capacity --reason`).
            try db.execute(sql: "ALTER TABLE enrolment ADD COLUMN over_capacity_reason TEXT")
        }
        migrator.registerMigration("2026-12-02-enrolment-modes") { db in
            // Verified addresses. Accounts made before verification existed count as verified: they have been receiving
            // the site's mail all along, and asking them all to verify now would hold back certificates already earned.
            // Places by code or approval, and waitlists. A pending request holds a seat; a waitlist entry is someone
            // entitled to a place (anyone on an open course, a code holder, an approved request) waiting for a seat.
            try db.execute(
                sql: """
                    ALTER TABLE users ADD COLUMN email_verified_at DATETIME;
                    UPDATE users SET email_verified_at = created_at;
                    CREATE TABLE email_verification (
                        token_hash TEXT PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        email_key TEXT NOT NULL,
                        created_at DATETIME NOT NULL,
                        expires_at DATETIME NOT NULL,
                        used_at DATETIME
                    ) WITHOUT ROWID;
                    CREATE INDEX email_verification_user ON email_verification(user_id);
                    ALTER TABLE course ADD COLUMN enrolment_mode TEXT NOT NULL DEFAULT 'open' CHECK (enrolment_mode IN ('open', 'code', 'approval'));
                    ALTER TABLE course ADD COLUMN price_includes TEXT;
                    CREATE TABLE access_code (
                        id INTEGER PRIMARY KEY,
                        course_id INTEGER NOT NULL REFERENCES course(id) ON DELETE CASCADE,
                        code TEXT NOT NULL UNIQUE,
                        uses_allowed INTEGER NOT NULL CHECK (uses_allowed > 0),
                        uses INTEGER NOT NULL DEFAULT 0,
                        expires_at DATETIME,
                        note TEXT,
                        created_at DATETIME NOT NULL,
                        revoked_at DATETIME,
                        CHECK (uses BETWEEN 0 AND uses_allowed)
                    );
                    CREATE INDEX access_code_course ON access_code(course_id);
                    CREATE TABLE code_redemption (
                        code_id INTEGER NOT NULL REFERENCES access_code(id) ON DELETE CASCADE,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        redeemed_at DATETIME NOT NULL,
                        PRIMARY KEY (code_id, user_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE enrolment_request (
                        id INTEGER PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        course_id INTEGER NOT NULL REFERENCES course(id) ON DELETE CASCADE,
                        note TEXT NOT NULL DEFAULT '',
                        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined', 'withdrawn')),
                        requested_at DATETIME NOT NULL,
                        decided_at DATETIME,
                        reason TEXT
                    );
                    CREATE UNIQUE INDEX enrolment_request_open ON enrolment_request(user_id, course_id) WHERE status = 'pending';
                    CREATE INDEX enrolment_request_course ON enrolment_request(course_id, status);
                    CREATE TABLE waitlist (
                        id INTEGER PRIMARY KEY,
                        course_id INTEGER NOT NULL REFERENCES course(id) ON DELETE CASCADE,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        joined_at DATETIME NOT NULL,
                        code_id INTEGER REFERENCES access_code(id) ON DELETE SET NULL,
                        note TEXT NOT NULL DEFAULT '',
                        UNIQUE (course_id, user_id)
                    );
                    """)
        }
        migrator.registerMigration("2026-12-02-search-prefix") { db in
            // Every query word matches as a prefix of a word. With the porter stemmer the index held stems ("migrat"),
            // so a longer prefix of the same word ("migrati") found nothing; the index now holds the words themselves,
            // with prefix indexes for the short prefixes people type.
            try db.execute(
                sql: """
                    DROP TABLE post_fts;
                    CREATE VIRTUAL TABLE post_fts USING fts5(
                        title, summary, body_text,
                        content = 'post', content_rowid = 'id',
                        tokenize = 'unicode61 remove_diacritics 2',
                        prefix = '2 3 4'
                    );
                    INSERT INTO post_fts(post_fts) VALUES ('rebuild');
                    CREATE VIRTUAL TABLE post_vocab USING fts5vocab(post_fts, 'row');
                    """)
        }
        migrator.registerMigration("2026-12-02-pages-and-authors") { db in
            // Pages and author profiles from Content/: a handful of files, replaced as a whole when any changes.
            try db.execute(
                sql: """
                    CREATE TABLE site_page (
                        slug TEXT PRIMARY KEY,
                        title TEXT NOT NULL,
                        summary TEXT NOT NULL,
                        nav TEXT,
                        html TEXT NOT NULL,
                        source_path TEXT NOT NULL,
                        content_hash TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE author (
                        slug TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        role TEXT NOT NULL,
                        bio_html TEXT NOT NULL,
                        photo TEXT,
                        photo_alt TEXT,
                        source_path TEXT NOT NULL,
                        content_hash TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("2026-12-03-access-tokens") { db in
            // Personal access tokens for programs: only the secret's hash is kept, with a hint ("lct_…x7Qa") to tell
            // them apart. Revoked and expired tokens stay listed, so their owner sees what happened to each.
            try db.execute(
                sql: """
                    CREATE TABLE access_token (
                        id INTEGER PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        token_hash TEXT NOT NULL UNIQUE,
                        hint TEXT NOT NULL,
                        scope TEXT NOT NULL CHECK (scope IN ('read', 'learn', 'admin')),
                        created_at DATETIME NOT NULL,
                        expires_at DATETIME,
                        last_used_at DATETIME,
                        revoked_at DATETIME
                    );
                    CREATE INDEX access_token_user ON access_token(user_id);
                    """)
        }
        migrator.registerMigration("2026-12-03-event-courses") { db in
            // Every change worth telling someone about is an event now, each with its course (for a course's live
            // state); old events are pruned by date, so they are read by date too.
            try db.execute(
                sql: """
                    ALTER TABLE event ADD COLUMN course_id INTEGER;
                    CREATE INDEX event_created ON event(created_at);
                    """)
        }
        migrator.registerMigration("2026-12-03-notifications") { db in
            // A person's inbox: written with the events that concern them; what it says is kept as it was then.
            try db.execute(
                sql: """
                    CREATE TABLE notification (
                        id INTEGER PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        event_id INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        course_slug TEXT NOT NULL,
                        course_title TEXT NOT NULL,
                        detail TEXT NOT NULL,
                        status TEXT NOT NULL,
                        path TEXT NOT NULL,
                        created_at DATETIME NOT NULL,
                        read_at DATETIME
                    );
                    CREATE INDEX notification_user ON notification(user_id, id);
                    CREATE INDEX notification_unread ON notification(user_id) WHERE read_at IS NULL;
                    """)
        }
        migrator.registerMigration("2026-12-03-rate-marks") { db in
            // Recent limited actions per key (logins, wrong codes, forms), so limits hold across processes and restarts.
            try db.execute(
                sql: """
                    CREATE TABLE rate_mark (
                        id INTEGER PRIMARY KEY,
                        key TEXT NOT NULL,
                        marked_at DATETIME NOT NULL,
                        pending BOOLEAN NOT NULL
                    );
                    CREATE INDEX rate_mark_key ON rate_mark(key, marked_at);
                    CREATE INDEX rate_mark_time ON rate_mark(marked_at);
                    """)
        }
        migrator.registerMigration("2026-12-03-seat-readings") { _ in
            // On PostgreSQL, a function reading a course's seats in one call. Nothing here: SQLite's single writer
            // reads them under its lock as they are. Both backends keep the same list of migrations (`lectern db copy`).
        }
        migrator.registerMigration("2026-12-04-seat-readings-held") { _ in
            // On PostgreSQL, that function again, counting no seats for a learner who holds one. Nothing here, as above.
        }
        return migrator
    }()
}
