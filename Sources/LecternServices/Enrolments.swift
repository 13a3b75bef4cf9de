import Foundation
import LecternCore
import LecternStore

/// What a request for a place did, with the course it was for.
public struct Placement: Sendable {
    public var course: CourseDetail
    public var outcome: PlaceOutcome
}

/// Getting and giving up places: enrolling, access codes, requests for approval, waitlists, leaving; and an operator's
/// admissions. Seats, dates and modes are checked in the stores' transactions; the limits and the order of the steps are
/// here, once, for the course pages, the REST API, GraphQL and the CLI.
public struct Enrolments: Sendable {
    let catalogue: Catalogue
    let store: EnrolmentStore
    let codes: AccessCodeStore
    let requests: EnrolmentRequestStore
    let waitlists: WaitlistStore
    let limiter: RateLimiter

    /// Wrong codes one account, and one client network, may try an hour: enough for typing mistakes, far too few to guess.
    public static let wrongCodesPerAccount = RateLimiter.Rule(limit: 10, window: 3600)
    public static let wrongCodesPerNetwork = RateLimiter.Rule(limit: 30, window: 3600)
    /// Longer than any code, however typed (15 letters and digits, dashes and spaces): looked up no further.
    public static let maxCodeLength = 40

    /// `catalogue` is the one the web shares (courses kept per site revision); the CLI's reads every time.
    public init(database: any SiteDatabase, catalogue: Catalogue? = nil) {
        self.catalogue = catalogue ?? Catalogue(database: database)
        self.store = database.enrolments
        self.codes = database.accessCodes
        self.requests = database.enrolmentRequests
        self.waitlists = database.waitlists
        self.limiter = RateLimiter(ledger: database.rates)
    }

    /// A learner enrols themselves: on an open course with a seat; other modes answer `needs`, a full or closed course `refused`.
    public func enrol(_ user: User, in courseSlug: String) async throws -> Placement {
        let course = try await catalogue.courseToPlaceOn(courseSlug)
        let outcome = Self.place(try await store.enrol(userID: user.id, courseID: course.id))
        // That copy of the course is kept whatever was written since: refused as closed, the course may have been
        // removed meanwhile, which is "no such course" (404), not "closed" (409). Only refusals read it again.
        if case .refused(.closed) = outcome { _ = try await catalogue.course(courseSlug) }
        return Placement(course: course, outcome: outcome)
    }

    /// After signing up or logging in to join a course: enrols as `enrol` does, and on a full open course puts the
    /// learner on its waitlist instead.
    public func enrolOrWait(_ user: User, in courseSlug: String) async throws -> Placement {
        let placed = try await enrol(user, in: courseSlug)
        guard placed.outcome == .refused(.full) else { return placed }
        return Placement(course: placed.course, outcome: try await waitlists.join(userID: user.id, courseID: placed.course.id))
    }

    /// Leaves a course (progress is kept for a return); false when the learner was not enrolled.
    public func leave(_ user: User, courseSlug: String) async throws -> (course: CourseDetail, left: Bool) {
        let course = try await catalogue.course(courseSlug)
        return (course, try await store.leave(userID: user.id, courseID: course.id))
    }

    /// Redeems an access code for a place. Wrong codes count against the account and against `network` (the client's
    /// network, for guessing spread over accounts); past either limit nothing is tried until the window has passed.
    public func redeem(_ typed: String, by user: User, for courseSlug: String, network: String) async throws -> Placement {
        let course = try await catalogue.course(courseSlug)
        let code = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        let accountKey = "code:\(user.id)"
        let networkKey = "code:\(network)"
        guard !code.isEmpty else { throw CourseRefusal.codeMissing }
        // Every try holds a place before the code is looked up (so parallel tries cannot all slip under the limit), and
        // counts only if the code was wrong.
        let hold: RateLimiter.Hold
        switch try await limiter.hold([(accountKey, Self.wrongCodesPerAccount), (networkKey, Self.wrongCodesPerNetwork)]) {
        case .success(let held): hold = held
        case .failure(let wait): throw CourseRefusal.tooManyWrongCodes(retryAfter: wait.seconds)
        }
        let result: Result<PlaceOutcome, AccessCodeProblem>
        do {
            result = code.unicodeScalars.count > Self.maxCodeLength ? .failure(.unknown) : try await codes.redeem(code, userID: user.id, courseID: course.id)
        } catch {
            try? await limiter.settle(hold, counted: false)
            throw error
        }
        var wrong = false
        if case .failure(.unknown) = result { wrong = true }
        try await limiter.settle(hold, counted: wrong)
        switch result {
        case .success(let outcome): return Placement(course: course, outcome: outcome)
        case .failure(let problem): throw CourseRefusal.code(problem)
        }
    }

    /// Asks for a place on an approval course, with an optional note for whoever decides.
    public func request(note: String, by user: User, for courseSlug: String) async throws -> Placement {
        let course = try await catalogue.course(courseSlug)
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.unicodeScalars.count <= RequestNote.maxLength else { throw CourseRefusal.noteTooLong(count: note.unicodeScalars.count) }
        return Placement(course: course, outcome: try await requests.request(userID: user.id, courseID: course.id, note: note))
    }

    /// Withdraws a pending request; false when there was none.
    public func withdrawRequest(by user: User, for courseSlug: String) async throws -> (course: CourseDetail, withdrawn: Bool) {
        let course = try await catalogue.course(courseSlug)
        return (course, try await requests.withdraw(userID: user.id, courseID: course.id))
    }

    /// Joins a full course's waitlist (on a course with a seat free, enrols instead).
    public func joinWaitlist(_ user: User, for courseSlug: String) async throws -> Placement {
        let course = try await catalogue.course(courseSlug)
        return Placement(course: course, outcome: try await waitlists.join(userID: user.id, courseID: course.id))
    }

    /// Leaves a waitlist; false when the learner was not on it.
    public func leaveWaitlist(_ user: User, for courseSlug: String) async throws -> (course: CourseDetail, left: Bool) {
        let course = try await catalogue.course(courseSlug)
        return (course, try await waitlists.leave(userID: user.id, courseID: course.id))
    }

    /// The courses `user` is enrolled in, with their progress and where to continue.
    public func courses(of user: User) async throws -> [LearnerCourseEntry] {
        try await store.courses(of: user.id)
    }

    /// A learner's dashboard: their courses with progress, and their certificates, in one read.
    public func dashboard(of user: User) async throws -> (courses: [LearnerCourseEntry], certificates: [Certificate]) {
        try await store.dashboard(of: user.id)
    }

    /// The longest reason for a seat beyond the capacity (it is kept with the enrolment and shown to operators).
    public static let maxOverCapacityReasonLength = 300

    /// An operator admits a learner on any course in any mode; with `overCapacityReason` (1 to 300 characters, saying
    /// why), beyond a full course's seats.
    public func admit(userID: Int64, to course: CourseDetail, overCapacityReason: String? = nil) async throws -> PlaceOutcome {
        let reason = overCapacityReason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let reason, reason.isEmpty {
            throw AdministrationRefusal.invalid(field: "over_capacity_reason", reason: "must say why the learner gets a seat beyond the capacity")
        }
        if let reason, reason.unicodeScalars.count > Self.maxOverCapacityReasonLength {
            throw AdministrationRefusal.invalid(field: "over_capacity_reason", reason: "must be at most \(Self.maxOverCapacityReasonLength) characters")
        }
        return Self.place(try await store.enrol(userID: userID, courseID: course.id, byOperator: true, overCapacityReason: reason))
    }

    /// An operator takes a learner off a course, as if they had left; false when they were not enrolled.
    public func remove(userID: Int64, from course: CourseDetail) async throws -> Bool {
        try await store.leave(userID: userID, courseID: course.id)
    }

    static func place(_ outcome: EnrolmentOutcome) -> PlaceOutcome {
        switch outcome {
        case .enrolled: .enrolled
        case .alreadyEnrolled: .alreadyEnrolled
        case .needs(let mode): .needs(mode)
        case .refused(let state): .refused(state)
        }
    }
}
