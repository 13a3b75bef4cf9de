import Foundation

/// The PostgreSQL backend's stores.
extension PostgresSiteDatabase {
    public var accessCodes: any AccessCodeStore { PostgresAccessCodeStore(database: self) }
    public var accessTokens: any AccessTokenStore { PostgresAccessTokenStore(database: self) }
    public var checkpoints: any CheckpointStore { PostgresCheckpointStore(database: self) }
    public var content: any ContentStore { PostgresContentStore(database: self) }
    public var courses: any CourseStore { PostgresCourseStore(database: self) }
    public var emailChanges: any EmailChangeStore { PostgresEmailChangeStore(database: self) }
    public var verifications: any EmailVerificationStore { PostgresEmailVerificationStore(database: self) }
    public var enrolmentRequests: any EnrolmentRequestStore { PostgresEnrolmentRequestStore(database: self) }
    public var enrolments: any EnrolmentStore { PostgresEnrolmentStore(database: self) }
    public var events: any EventLog { PostgresEventLog(database: self) }
    public var mailLedger: any MailLedger { PostgresMailLedger(database: self) }
    public var notifications: any NotificationStore { PostgresNotificationStore(database: self) }
    public var rates: any RateLedger { PostgresRateLedger(database: self) }
    public var outbox: any OutboxStore { PostgresOutboxStore(database: self) }
    public var passwordResets: any PasswordResetStore { PostgresPasswordResetStore(database: self) }
    public var posts: any PostStore { PostgresPostStore(database: self) }
    public var quizzes: any QuizStore { PostgresQuizStore(database: self) }
    public var sitePages: any SitePageStore { PostgresSitePageStore(database: self) }
    public var users: any UserStore { PostgresUserStore(database: self) }
    public var waitlists: any WaitlistStore { PostgresWaitlistStore(database: self) }
    public func sessions(lifetime: SessionLifetime) -> any SessionStore { PostgresSessionStore(database: self, lifetime: lifetime) }
}
