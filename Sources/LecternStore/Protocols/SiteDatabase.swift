import Foundation
import LecternCore

/// A Lectern site's database, whichever backend holds it (SQLite or PostgreSQL): its stores, and what runs the
/// database itself (migrations, the site's secret and revision, maintenance). Services, the web and the CLI see only
/// this and the store protocols.
public protocol SiteDatabase: AnyObject, Sendable {
    /// Where the database is, for messages: a file path, or a PostgreSQL URL without its password.
    var location: String { get }
    /// When set, every write runs in full (so every rule and constraint is checked) and is then rolled back.
    var isDryRun: Bool { get }

    var accessCodes: any AccessCodeStore { get }
    var accessTokens: any AccessTokenStore { get }
    var checkpoints: any CheckpointStore { get }
    var content: any ContentStore { get }
    var courses: any CourseStore { get }
    var emailChanges: any EmailChangeStore { get }
    var verifications: any EmailVerificationStore { get }
    var enrolmentRequests: any EnrolmentRequestStore { get }
    var enrolments: any EnrolmentStore { get }
    var events: any EventLog { get }
    var mailLedger: any MailLedger { get }
    var notifications: any NotificationStore { get }
    /// Recent limited actions (logins, wrong codes, forms), shared by every process on the database.
    var rates: any RateLedger { get }
    var outbox: any OutboxStore { get }
    var passwordResets: any PasswordResetStore { get }
    var posts: any PostStore { get }
    var quizzes: any QuizStore { get }
    var sitePages: any SitePageStore { get }
    var users: any UserStore { get }
    var waitlists: any WaitlistStore { get }
    /// Sessions that live as long as `lifetime` says.
    func sessions(lifetime: SessionLifetime) -> any SessionStore

    /// Applies the migrations this binary knows and the database has not had.
    func migrate() async throws
    /// Names of the migrations applied, and of those this binary would still apply.
    func migrationStatus() async throws -> (applied: [String], pending: [String])
    /// The revision of the public site, changed by any process's writes that can change a public page.
    func siteRevision() async throws -> Int
    /// The site's secret key (32 random bytes made with the database), shared by every process on it: it signs form
    /// tokens, device cookies and visitor hashes.
    func siteSecret() async throws -> [UInt8]

    /// What `lectern db status` reports.
    func status() async throws -> DatabaseStatus
    /// The backend's own integrity checks and the search index's. Empty when all is well.
    func check() async throws -> [String]
    /// Builds the search index again from the posts.
    func rebuildSearchIndex() async throws

    func close() async throws
}

extension SiteDatabase {
    /// Sessions with the default lifetime.
    public var sessions: any SessionStore { sessions(lifetime: SessionLifetime()) }
}
