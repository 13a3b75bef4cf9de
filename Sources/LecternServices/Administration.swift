import Foundation
import LecternCore
import LecternStore

/// Why an administrator's operation was refused; the CLI and the API tell it in their own words.
public enum AdministrationRefusal: Error, Sendable, Equatable {
    /// A value outside what the operation accepts: the field, and what it must be.
    case invalid(field: String, reason: String)
    case noSuchAccount(email: String)
    case noSuchCode(String)
    /// Nothing from this learner waits for a decision on the course (`enrolled`: they already hold a place).
    case noRequest(enrolled: Bool)
    /// The request waits for a seat at this waitlist position: decline it, or raise the capacity first.
    case requestWaitingForSeat(position: Int)
    /// The change would leave the site without an active administrator.
    case lastAdministrator
    case noSuchToken(id: Int64)
}

/// A batch of access codes as asked for: checked once here for the CLI and the API.
public struct CodeBatch: Sendable, Equatable {
    public static let counts = 1...1000
    public static let usesPerCode = 1...10_000
    public static let maxNoteLength = 200

    public var count: Int
    public var usesPerCode: Int
    public var expiresAt: Date?
    public var note: String?

    /// The batch, or the first value outside the limits (`field` names the CLI option's or API property's subject).
    public init(count: Int, usesPerCode: Int = 1, expiresAt: Date? = nil, note: String? = nil, now: Date = Date()) throws(AdministrationRefusal) {
        guard Self.counts.contains(count) else { throw .invalid(field: "count", reason: "must be between 1 and 1000, not \(count)") }
        guard Self.usesPerCode.contains(usesPerCode) else {
            throw .invalid(field: "uses_per_code", reason: "must be between 1 and 10000, not \(usesPerCode)")
        }
        if let expiresAt, expiresAt <= now { throw .invalid(field: "expires_at", reason: "is in the past: the codes would never work") }
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let note, note.unicodeScalars.count > Self.maxNoteLength { throw .invalid(field: "note", reason: "must be at most \(Self.maxNoteLength) characters") }
        self.count = count
        self.usesPerCode = usesPerCode
        self.expiresAt = expiresAt
        self.note = note?.isEmpty == true ? nil : note
    }
}

/// What the CLI's course, code and enrolment commands do, for the CLI and for administrators' API tokens alike: course
/// state and seats, access codes, requests for places, waitlists, enrolment lists and accounts.
public struct Administration: Sendable {
    let catalogue: Catalogue
    let courses: CourseStore
    let enrolments: EnrolmentStore
    let codes: AccessCodeStore
    let requests: EnrolmentRequestStore
    let waitlists: WaitlistStore
    let users: UserStore
    let verifications: EmailVerificationStore
    let tokens: AccessTokenStore

    public static let maxCapacity = 1_000_000
    public static let maxReasonLength = 500

    public init(database: any SiteDatabase, catalogue: Catalogue? = nil) {
        self.catalogue = catalogue ?? Catalogue(database: database)
        self.courses = database.courses
        self.enrolments = database.enrolments
        self.codes = database.accessCodes
        self.requests = database.enrolmentRequests
        self.waitlists = database.waitlists
        self.users = database.users
        self.verifications = database.verifications
        self.tokens = database.accessTokens
    }

    // MARK: Courses

    /// How the course is doing: seats, enrolments, completions, certificates.
    public func course(_ slug: String) async throws -> CourseStatistics {
        guard Slug.isValid(slug), let statistics = try await courses.statistics(slug: slug) else { throw CourseRefusal.noSuchCourse(slug: slug) }
        return statistics
    }

    /// Opens (true) or closes (false) enrolment whatever the course file says, or (nil) follows the file again; false
    /// when the course was already so.
    public func setEnrolment(_ slug: String, open: Bool?) async throws -> Bool {
        guard let changed = try await courses.setEnrolment(slug: slug, open: open) else { throw CourseRefusal.noSuchCourse(slug: slug) }
        return changed
    }

    /// Sets the seats (`.some(nil)`: no limit; nil: the course file's number again); false when already so.
    public func setCapacity(_ slug: String, _ capacity: Int??) async throws -> Bool {
        if case .some(.some(let seats)) = capacity, !(0...Self.maxCapacity).contains(seats) {
            throw AdministrationRefusal.invalid(field: "capacity", reason: "must be between 0 and \(Self.maxCapacity), not \(seats)")
        }
        guard let changed = try await courses.setCapacity(slug: slug, capacity) else { throw CourseRefusal.noSuchCourse(slug: slug) }
        return changed
    }

    // MARK: Places

    /// The course's enrolments, oldest first, with each learner's progress.
    public func enrolments(_ slug: String) async throws -> [EnrolmentRecord] {
        let course = try await catalogue.course(slug)
        return try await enrolments.records(courseSlug: course.summary.slug)
    }

    /// The account with `email`.
    public func account(_ email: String) async throws -> User {
        guard let address = try? EmailAddress(email), let user = try await users.user(email: address) else {
            throw AdministrationRefusal.noSuchAccount(email: email)
        }
        return user
    }

    /// Requests waiting for a decision, oldest first.
    public func pendingRequests(_ slug: String) async throws -> [EnrolmentRequest] {
        try await requests.pending(courseID: try await catalogue.course(slug).id)
    }

    /// Learners waiting for a seat, in order.
    public func waitlist(_ slug: String) async throws -> [WaitlistEntry] {
        try await waitlists.entries(courseID: try await catalogue.course(slug).id)
    }

    /// Approves or declines `user`'s request for a place (the learner is mailed from the event it records).
    public func decide(_ user: User, on course: CourseDetail, approve: Bool, reason: String?) async throws -> EnrolmentRequest {
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let reason, reason.unicodeScalars.count > Self.maxReasonLength {
            throw AdministrationRefusal.invalid(field: "reason", reason: "must be at most \(Self.maxReasonLength) characters")
        }
        let note = reason?.isEmpty == true ? nil : reason
        do {
            return
                approve
                ? try await requests.approve(userID: user.id, courseID: course.id, reason: note)
                : try await requests.decline(userID: user.id, courseID: course.id, reason: note)
        } catch EnrolmentRequestError.noRequest {
            let enrolled = try await enrolments.learnerCourse(course: course, userID: user.id).isEnrolled
            throw AdministrationRefusal.noRequest(enrolled: enrolled)
        } catch EnrolmentRequestError.waitingForSeat(let position) {
            throw AdministrationRefusal.requestWaitingForSeat(position: position)
        }
    }

    // MARK: Access codes

    /// The course's codes, newest first.
    public func codes(_ slug: String) async throws -> [AccessCodeRecord] {
        try await codes.list(courseID: try await catalogue.course(slug).id)
    }

    /// Makes a batch of codes for a course.
    public func createCodes(_ batch: CodeBatch, for course: CourseDetail) async throws -> [AccessCodeRecord] {
        try await codes.create(courseID: course.id, count: batch.count, usesPerCode: batch.usesPerCode, expiresAt: batch.expiresAt, note: batch.note)
    }

    /// Withdraws a code; false when it was already withdrawn.
    public func revokeCode(_ typed: String) async throws -> Bool {
        guard let revoked = try await codes.revoke(typed) else { throw AdministrationRefusal.noSuchCode(typed) }
        return revoked
    }

    // MARK: Accounts

    /// Accounts, by role and a search of names and addresses.
    public func accounts(role: User.Role? = nil, search: String? = nil, limit: Int = 100) async throws -> [UserListing] {
        try await users.list(role: role, search: search, limit: limit)
    }

    /// What an operator sees of one account: its live sessions, its enrolments with progress, its certificates.
    public struct AccountOverview: Sendable {
        public var sessions: [SessionRecord]
        public var enrolments: [EnrolmentRecord]
        public var certificates: [Certificate]
    }

    /// `sessions` is the server's (its configured lifetime decides which sessions are live).
    public func overview(of user: User, sessions: SessionStore) async throws -> AccountOverview {
        AccountOverview(
            sessions: try await sessions.sessions(userID: user.id), enrolments: try await enrolments.records(userID: user.id),
            certificates: try await enrolments.certificates(of: user.id))
    }

    /// The account as stored now.
    public func account(id: Int64) async throws -> User? {
        try await users.user(id: id)
    }

    /// Makes `user` an administrator or a learner; never demotes the last active administrator.
    public func setRole(_ user: User, _ role: User.Role) async throws {
        do {
            try await users.setRole(userID: user.id, role)
        } catch UserStore.AdministrationFailure.lastAdministrator {
            throw AdministrationRefusal.lastAdministrator
        }
    }

    /// Stops an account from logging in (its sessions, links and tokens end at once), or lets it in again; never the
    /// last active administrator.
    public func setDisabled(_ user: User, _ disabled: Bool) async throws {
        do {
            try await users.setDisabled(userID: user.id, disabled)
        } catch UserStore.AdministrationFailure.lastAdministrator {
            throw AdministrationRefusal.lastAdministrator
        }
    }

    /// Marks the address verified, as if its owner had followed the link (certificates earned meanwhile are issued).
    public func verifyAddress(of user: User) async throws {
        _ = try await verifications.verify(userID: user.id)
    }

    /// Deletes an account for good; its certificates stay verifiable. Never the last active administrator.
    public func delete(_ user: User) async throws -> UserDeletion {
        do {
            return try await users.delete(userID: user.id)
        } catch UserStore.AdministrationFailure.lastAdministrator {
            throw AdministrationRefusal.lastAdministrator
        }
    }

    /// Every access token with its holder's address (or one account's), newest first.
    public func tokens(of user: User? = nil) async throws -> [(token: AccessTokenRecord, email: String)] {
        let all = try await tokens.all()
        guard let user else { return all }
        return all.filter { $0.token.userID == user.id }
    }

    /// Makes a token for `user` on the operator's word (no password), never beyond the user's role; see
    /// `Accounts.createToken` for the rules and refusals.
    public func issueToken(for user: User, name typed: String, scope: TokenScope, expiresAt: Date?) async throws -> (token: AccessTokenRecord, secret: String) {
        var problems = AccountProblems()
        let wanted = AccountRules.token(name: typed, scope: scope, for: user, &problems)
        try problems.check()
        guard let wanted else { throw problems }
        return try await tokens.create(user: user, name: wanted.name, scope: wanted.scope, expiresAt: expiresAt)
    }

    /// Revokes a token; false when it was revoked already.
    public func revokeToken(_ id: Int64) async throws -> Bool {
        guard let revoked = try await tokens.revoke(id: id) else { throw AdministrationRefusal.noSuchToken(id: id) }
        return revoked
    }
}
