import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// `/api/v1/admin/…`: what the CLI's course, code and enrolment commands do, for an administrator's `admin` token (a
/// token's scope never exceeds its holder's role). Every operation is one `Administration` or `Enrolments` call.
struct AdminAPIController: Sendable {
    let administration: Administration
    let enrolments: Enrolments

    struct Account: Encodable {
        var id: Int64
        var email: String
        var name: String
        var role: String
        var emailVerified: Bool
        var disabled: Bool
        var createdAt: Date
        var enrolments: Int
        var lastSeenAt: Date?
    }

    struct AccountList: Encodable {
        var items: [Account]
    }

    struct OperatorState: Encodable {
        /// open or closed when an operator decided, absent when the course file's dates apply.
        var enrolment: String?
        /// Set when an operator decided the seats: `unlimited` true for no limit.
        var capacity: Int?
        var unlimited: Bool?
    }

    struct CourseState: Encodable {
        var slug: String
        var title: String
        var enrolmentMode: String
        /// open, full, opens (not yet) or closed.
        var enrolment: String
        var enrolmentDate: Date?
        var capacity: Int?
        var seatsLeft: Int?
        var enrolled: Int
        var completed: Int
        var certificatesIssued: Int
        var certificatesRevoked: Int
        var contentCapacity: Int?
        var operatorSettings: OperatorState
    }

    struct Enrolment: Encodable {
        var email: String
        var name: String
        var enrolledAt: Date
        var completedRequired: Int
        var required: Int
        var percent: Int
        var certificateCode: String?
        var overCapacityReason: String?
    }

    struct EnrolmentList: Encodable {
        var items: [Enrolment]
    }

    struct Admission: Encodable {
        var email: String
        var course: String
        /// enrolled or already_enrolled.
        var outcome: String
    }

    struct Request: Encodable {
        var email: String
        var name: String
        var note: String
        /// pending, approved, declined or withdrawn.
        var status: String
        var requestedAt: Date
        var decidedAt: Date?
        var reason: String?
    }

    struct RequestList: Encodable {
        var items: [Request]
    }

    struct WaitlistEntry: Encodable {
        var position: Int
        var email: String
        var name: String
        var joinedAt: Date
        var code: String?
        var note: String
    }

    struct Waitlist: Encodable {
        var items: [WaitlistEntry]
    }

    struct Code: Encodable {
        var code: String
        var course: String
        /// unused, used N of M, used up, expired or revoked.
        var state: String
        var uses: Int
        var usesAllowed: Int
        var expiresAt: Date?
        var note: String?
        var createdAt: Date
        var revokedAt: Date?
    }

    struct CodeList: Encodable {
        var items: [Code]
    }

    /// A path parameter as sent: Hummingbird leaves `%40` (an address's @, as `encodeURIComponent` writes it) encoded.
    static func decoded(_ context: AppRequestContext, _ name: String) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("admin/users", use: accounts)
        group.rejectOtherMethods("admin/users", allowing: [.get])
        group.get("admin/courses/:slug", use: course)
        group.patch("admin/courses/:slug", use: changeCourse)
        group.rejectOtherMethods("admin/courses/:slug", allowing: [.get, .patch])
        group.get("admin/courses/:slug/enrolments", use: courseEnrolments)
        group.post("admin/courses/:slug/enrolments", use: admit)
        group.rejectOtherMethods("admin/courses/:slug/enrolments", allowing: [.get, .post])
        group.delete("admin/courses/:slug/enrolments/:email", use: remove)
        group.rejectOtherMethods("admin/courses/:slug/enrolments/:email", allowing: [.delete])
        group.get("admin/courses/:slug/requests", use: requests)
        group.rejectOtherMethods("admin/courses/:slug/requests", allowing: [.get])
        group.post("admin/courses/:slug/requests/:email/decision", use: decide)
        group.rejectOtherMethods("admin/courses/:slug/requests/:email/decision", allowing: [.post])
        group.get("admin/courses/:slug/waitlist", use: waitlist)
        group.rejectOtherMethods("admin/courses/:slug/waitlist", allowing: [.get])
        group.get("admin/courses/:slug/codes", use: codes)
        group.post("admin/courses/:slug/codes", use: createCodes)
        group.rejectOtherMethods("admin/courses/:slug/codes", allowing: [.get, .post])
        group.delete("admin/codes/:code", use: revokeCode)
        group.rejectOtherMethods("admin/codes/:code", allowing: [.delete])
    }

    @Sendable func accounts(_ request: Hummingbird.Request, context: AppRequestContext) async throws -> Response {
        _ = try APICaller.require(.admin, in: context)
        var problems: [APIProblem.FieldProblem] = []
        let query = request.uri.queryParameters
        let search = query.get("search").map { String($0) }
        if let search, search.unicodeScalars.count > 100 { problems.append(.init(name: "search", reason: "must be at most 100 characters")) }
        var role: User.Role?
        if let text = query.get("role") {
            role = User.Role(rawValue: String(text))
            if role == nil { problems.append(.init(name: "role", reason: "must be learner or admin")) }
        }
        var limit = 100
        if let text = query.get("limit") {
            if let number = Int(text), (1...1000).contains(number) { limit = number } else {
                problems.append(.init(name: "limit", reason: "must be a whole number from 1 to 1000"))
            }
        }
        for name in Set(query.map { String($0.key) }) where !["search", "role", "limit"].contains(name) {
            problems.append(.init(name: String(name.prefix(60)), reason: "is not a parameter of this operation"))
        }
        guard problems.isEmpty else { throw APIProblem.invalidParameters(problems) }
        let listed = try await administration.accounts(role: role, search: search?.isEmpty == true ? nil : search, limit: limit)
        let items = listed.map {
            Account(
                id: $0.user.id, email: $0.user.email, name: $0.user.name, role: $0.user.role.rawValue, emailVerified: $0.user.isEmailVerified,
                disabled: $0.user.isDisabled, createdAt: $0.user.createdAt, enrolments: $0.enrolments, lastSeenAt: $0.lastSeenAt)
        }
        return try APIJSON.response(AccountList(items: items), for: request)
    }

    @Sendable func course(_ request: Hummingbird.Request, context: AppRequestContext) async throws -> Response {
        _ = try APICaller.require(.admin, in: context)
        return try APIJSON.response(try await state(try PlacesAPIController.slug(context)), for: request)
    }

    /// `enrolment`: open, closed, or `content` (the course file's dates again); `capacity`: seats, null for no limit, or
    /// `content` (the file's number again).
    @Sendable func changeCourse(_ request: Hummingbird.Request, context: AppRequestContext) async throws -> Response {
        _ = try APICaller.require(.admin, in: context)
        let slug = try PlacesAPIController.slug(context)
        var body = try await APIRequestBody.read(request, context: context)
        let enrolment = body.raw("enrolment")
        let capacity = body.raw("capacity")
        var open: Bool??
        if enrolment.sent {
            switch enrolment.value as? String {
            case "open": open = .some(true)
            case "closed": open = .some(false)
            case "content": open = .some(nil)
            default: body.refuse("enrolment", "must be open, closed or content")
            }
        }
        var seats: Int???
        if capacity.sent {
            if capacity.value == nil {
                seats = .some(.some(nil))
            } else if let text = capacity.value as? String, text == "content" {
                seats = .some(nil)
            } else if let number = capacity.value as? NSNumber, !APIRequestBody.isBoolean(number), let whole = Int(exactly: number.doubleValue),
                (0...Administration.maxCapacity).contains(whole)
            {
                seats = .some(.some(whole))
            } else {
                body.refuse("capacity", "must be a whole number from 0 to \(Administration.maxCapacity), null for no limit, or content")
            }
        }
        if !enrolment.sent, !capacity.sent { body.refuse("body", "must set enrolment, capacity or both") }
        try body.finish()
        if let open { _ = try await administration.setEnrolment(slug, open: open) }
        if let seats { _ = try await administration.setCapacity(slug, seats) }
        return try APIJSON.response(try await state(slug))
    }

    private func state(_ slug: String) async throws -> CourseState {
        let statistics = try await administration.course(slug)
        let course = statistics.course
        let (state, date): (String, Date?) =
            switch course.enrolmentState(at: Date()) {
            case .open: ("open", nil)
            case .full: ("full", nil)
            case .notYetOpen(let opens): ("opens", opens)
            case .closed(let closed): ("closed", closed)
            }
        var settings = OperatorState()
        switch course.operatorSettings.enrolment {
        case .open: settings.enrolment = "open"
        case .closed: settings.enrolment = "closed"
        case nil: break
        }
        if case .some(let seats) = course.operatorSettings.capacity {
            settings.capacity = seats
            settings.unlimited = seats == nil
        }
        return CourseState(
            slug: slug, title: course.summary.title, enrolmentMode: course.enrolmentMode.rawValue, enrolment: state, enrolmentDate: date,
            capacity: course.capacity, seatsLeft: course.seatsLeft, enrolled: course.enrolledCount, completed: statistics.completed,
            certificatesIssued: statistics.certificatesIssued, certificatesRevoked: statistics.certificatesRevoked,
            contentCapacity: statistics.contentCapacity, operatorSettings: settings)
    }

    @Sendable func courseEnrolments(_ request: Hummingbird.Request, context: AppRequestContext) async throws -> Response {
        _ = try APICaller.require(.admin, in: context)
        let records = try await administration.enrolments(try PlacesAPIController.slug(context))
        let items = records.map {
            Enrolment(
                email: $0.email, name: $0.name, enrolledAt: $0.enrolledAt, completedRequired: $0.progress.completedRequired,
                required: $0.progress.required, percent: $0.progress.percent, certificateCode: $0.certificateCode,
                overCapacityReason: $0.overCapacityReason)
        }
        return try APIJSON.response(EnrolmentList(items: items), for: request)
    }

    @Sendable func admit(_ request: Hummingbird.Request, context: AppRequestContext) async throws -> Response {
        _ = try APICaller.require(.admin, in: context)
        let slug = try PlacesAPIController.slug(context)
        var body = try await APIRequestBody.read(request, context: context)
        let email = body.string("email", required: true, maxLength: EmailAddress.maximumLength, pattern: .pathSafeAddress)
        if let email, (try? EmailAddress(email)) == nil { body.refuse("email", "must be an email address, such as ada@example.com") }
        let reason = body.string("over_capacity_reason", minLength: 1, maxLength: Enrolments.maxOverCapacityReasonLength)
        try body.finish()
        let user = try await administration.account(email ?? "")
        let course = try await administration.course(slug).course
        switch try await enrolments.admit(userID: user.id, to: course, overCapacityReason: reason) {
        case .enrolled: return try APIJSON.response(Admission(email: user.email, course: slug, outcome: "enrolled"), status: .created)
        case .alreadyEnrolled: return try APIJSON.response(Admission(email: user.email, course: slug, outcome: "already_enrolled"))
        case .refused(let state): throw CourseRefusal.enrolmentClosed(state)
        case .needs(let mode): throw CourseRefusal.placeNeeds(mode)
        case .waitlisted, .requested: throw CourseRefusal.enrolmentClosed(.full)
        }
    }

    @Sendable func remove(_ request: Hummingbird.Request, context: AppRequestContext) async throws -> Response {
        _ = try APICaller.require(.admin, in: context)
        let slug = try PlacesAPIController.slug(context)
        try await APIRequestBody.read(request, context: context).finish()
        let user = try await administration.account(try Self.decoded(context, "email"))
        _ = try await enrolments.remove(userID: user.id, from: try await administration.course(slug).course)
        return Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }

    @Sendable func requests(_ request: Hummingbird.Request, context: AppRequestContext) async throws -> Response {
        _ = try APICaller.require(.admin, in: context)
        let pending = try await administration.pendingRequests(try PlacesAPIController.slug(context))
        return try APIJSON.response(RequestList(items: pending.map(Self.request)), for: request)
    }

    static func request(_ request: EnrolmentRequest) -> Request {
        Request(
            email: request.learnerEmail, name: request.learnerName, note: request.note, status: request.status.rawValue,
            requestedAt: request.requestedAt, decidedAt: request.decidedAt, reason: request.reason)
    }

    @Sendable func decide(_ request: Hummingbird.Request, context: AppRequestContext) async throws -> Response {
        _ = try APICaller.require(.admin, in: context)
        let slug = try PlacesAPIController.slug(context)
        var body = try await APIRequestBody.read(request, context: context)
        let approve = body.boolean("approve", required: true)
        let reason = body.string("reason", maxLength: Administration.maxReasonLength)
        try body.finish()
        let user = try await administration.account(try Self.decoded(context, "email"))
        let course = try await administration.course(slug).course
        let decided = try await administration.decide(user, on: course, approve: approve ?? false, reason: reason)
        return try APIJSON.response(Self.request(decided))
    }

    @Sendable func waitlist(_ request: Hummingbird.Request, context: AppRequestContext) async throws -> Response {
        _ = try APICaller.require(.admin, in: context)
        let entries = try await administration.waitlist(try PlacesAPIController.slug(context))
        return try APIJSON.response(
            Waitlist(
                items: entries.map { WaitlistEntry(position: $0.position, email: $0.email, name: $0.name, joinedAt: $0.joinedAt, code: $0.code, note: $0.note) }),
            for: request)
    }

    static func code(_ record: AccessCodeRecord) -> Code {
        Code(
            code: record.code, course: record.courseSlug, state: record.state(at: Date()), uses: record.uses, usesAllowed: record.usesAllowed,
            expiresAt: record.expiresAt, note: record.note, createdAt: record.createdAt, revokedAt: record.revokedAt)
    }

    @Sendable func codes(_ request: Hummingbird.Request, context: AppRequestContext) async throws -> Response {
        _ = try APICaller.require(.admin, in: context)
        let records = try await administration.codes(try PlacesAPIController.slug(context))
        return try APIJSON.response(CodeList(items: records.map(Self.code)), for: request)
    }

    @Sendable func createCodes(_ request: Hummingbird.Request, context: AppRequestContext) async throws -> Response {
        _ = try APICaller.require(.admin, in: context)
        let slug = try PlacesAPIController.slug(context)
        var body = try await APIRequestBody.read(request, context: context)
        let count = body.integer("count", required: true, in: CodeBatch.counts)
        let uses = body.integer("uses_per_code", in: CodeBatch.usesPerCode)
        let expires = body.dateTime("expires_at")
        let note = body.string("note", maxLength: CodeBatch.maxNoteLength)
        try body.finish()
        let batch: CodeBatch
        do {
            batch = try CodeBatch(count: count ?? 0, usesPerCode: uses ?? 1, expiresAt: expires, note: note)
        } catch .invalid(let field, let reason) {
            throw APIProblem.invalidParameters([.init(name: field, reason: reason)])
        } catch {
            throw APIProblem.invalidParameters([.init(name: "body", reason: "\(error)")])
        }
        let course = try await administration.course(slug).course
        let made = try await administration.createCodes(batch, for: course)
        return try APIJSON.response(CodeList(items: made.map(Self.code)), status: .created)
    }

    @Sendable func revokeCode(_ request: Hummingbird.Request, context: AppRequestContext) async throws -> Response {
        _ = try APICaller.require(.admin, in: context)
        try await APIRequestBody.read(request, context: context).finish()
        _ = try await administration.revokeCode(try Self.decoded(context, "code"))
        return Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }
}
