import Foundation

/// The SQLite backend's stores.
extension LecternDatabase: SiteDatabase {
    public var location: String { path }

    public var accessCodes: any AccessCodeStore { SQLiteAccessCodeStore(database: self) }
    public var accessTokens: any AccessTokenStore { SQLiteAccessTokenStore(database: self) }
    public var checkpoints: any CheckpointStore { SQLiteCheckpointStore(database: self) }
    public var content: any ContentStore { SQLiteContentStore(database: self) }
    public var courses: any CourseStore { SQLiteCourseStore(database: self) }
    public var emailChanges: any EmailChangeStore { SQLiteEmailChangeStore(database: self) }
    public var verifications: any EmailVerificationStore { SQLiteEmailVerificationStore(database: self) }
    public var enrolmentRequests: any EnrolmentRequestStore { SQLiteEnrolmentRequestStore(database: self) }
    public var enrolments: any EnrolmentStore { SQLiteEnrolmentStore(database: self) }
    public var events: any EventLog { SQLiteEventLog(database: self) }
    public var mailLedger: any MailLedger { SQLiteMailLedger(database: self) }
    public var notifications: any NotificationStore { SQLiteNotificationStore(database: self) }
    public var rates: any RateLedger { SQLiteRateLedger(database: self) }
    public var outbox: any OutboxStore { SQLiteOutboxStore(database: self) }
    public var passwordResets: any PasswordResetStore { SQLitePasswordResetStore(database: self) }
    public var posts: any PostStore { SQLitePostStore(database: self) }
    public var quizzes: any QuizStore { SQLiteQuizStore(database: self) }
    public var sitePages: any SitePageStore { SQLiteSitePageStore(database: self) }
    public var users: any UserStore { SQLiteUserStore(database: self) }
    public var waitlists: any WaitlistStore { SQLiteWaitlistStore(database: self) }
    public func sessions(lifetime: SessionLifetime) -> any SessionStore { SQLiteSessionStore(database: self, lifetime: lifetime) }
}
