import Foundation
import HTTPTypes
import Hummingbird
import LecternCore

/// An error for API clients, sent as an RFC 9457 problem document (`application/problem+json`) with a stable `type`
/// per kind of error. API clients never get an HTML page: `ErrorPageMiddleware` turns every error under `/api/` and
/// `/graphql` into one of these.
struct APIProblem: Error, Sendable {
    enum Kind: String, Sendable {
        case badRequest = "bad-request"
        case unauthorized
        case invalidToken = "invalid-token"
        case insufficientScope = "insufficient-scope"
        case forbidden
        case crossSite = "cross-site"
        case missingCSRFToken = "missing-csrf-token"
        case notFound = "not-found"
        case methodNotAllowed = "method-not-allowed"
        case conflict
        case tooLarge = "too-large"
        case unsupportedMediaType = "unsupported-media-type"
        case validationFailed = "validation-failed"
        case rateLimited = "rate-limited"
        case unavailable
        case upgradeRequired = "upgrade-required"
        case internalError = "internal-error"
        // Course refusals (`RefusalWording`): one type per reason.
        case noSuchCourse = "no-such-course"
        case noSuchLesson = "no-such-lesson"
        case notEnrolled = "not-enrolled"
        case lessonLocked = "lesson-locked"
        case courseCertified = "course-certified"
        case noQuiz = "no-quiz"
        case notACheckpoint = "not-a-checkpoint"
        case quizWait = "quiz-wait"
        case answersIncomplete = "answers-incomplete"
        case submissionInvalid = "submission-invalid"
        case checkpointRefused = "checkpoint-refused"
        case completionRefused = "completion-refused"
        case codeRefused = "code-refused"
        case codeMissing = "code-missing"
        case unknownCode = "unknown-code"
        case tooManyWrongCodes = "too-many-wrong-codes"
        case enrolmentClosed = "enrolment-closed"
        case placeGivenOtherwise = "place-given-otherwise"
        // Administrators' refusals.
        case noSuchAccount = "no-such-account"
        case noSuchCode = "no-such-code"
        case noRequest = "no-request"
        case alreadyEnrolled = "already-enrolled"
        case requestWaitingForSeat = "request-waiting-for-seat"
    }

    var kind: Kind
    var status: HTTPResponse.Status
    var detail: String
    var headers: HTTPFields = [:]
    /// For `validation-failed`: each parameter or field that was wrong, and what it must be.
    var errors: [FieldProblem] = []

    struct FieldProblem: Encodable, Sendable {
        var name: String
        var reason: String
    }

    /// A 422 listing each wrong parameter.
    static func invalidParameters(_ errors: [FieldProblem]) -> APIProblem {
        var problem = APIProblem(
            kind: .validationFailed, status: .unprocessableContent,
            detail: errors.map { "`\($0.name)` \($0.reason)" }.joined(separator: "; ") + ".")
        problem.errors = errors
        return problem
    }

    /// The `type` member: a path on this site, the same on every deployment.
    var type: String { "/api/problems/\(kind.rawValue)" }

    static let invalidToken = APIProblem(
        kind: .invalidToken, status: .unauthorized,
        detail: "The access token is not valid: it is mistyped, expired or revoked. Make a new one on your account page.",
        headers: [.wwwAuthenticate: #"Bearer error="invalid_token""#])

    static let signInNeeded = APIProblem(
        kind: .unauthorized, status: .unauthorized,
        detail: "This needs an account: send an access token as `Authorization: Bearer lct_…` (make one on your account page).",
        headers: [.wwwAuthenticate: #"Bearer realm="lectern""#])

    static func insufficientScope(_ needed: String) -> APIProblem {
        APIProblem(
            kind: .insufficientScope, status: .forbidden, detail: "This needs a token with the \(needed) scope; this one cannot do it.",
            headers: [.wwwAuthenticate: #"Bearer error="insufficient_scope", scope="\#(needed)""#])
    }

    /// The problem for an HTTP status raised elsewhere (the router's 404, a body too large), with its message.
    init(status: HTTPResponse.Status, detail: String?) {
        let kind: Kind =
            switch status.code {
            case 401: .unauthorized
            case 403: .forbidden
            case 404: .notFound
            case 405: .methodNotAllowed
            case 409: .conflict
            case 413: .tooLarge
            case 415: .unsupportedMediaType
            case 422: .validationFailed
            case 426: .upgradeRequired
            case 429: .rateLimited
            case 503: .unavailable
            case 400..<500: .badRequest
            default: .internalError
            }
        self.init(kind: kind, status: status, detail: detail ?? APIProblem.defaultDetail(status))
    }

    init(kind: Kind, status: HTTPResponse.Status, detail: String, headers: HTTPFields = [:]) {
        self.kind = kind
        self.status = status
        self.detail = detail
        self.headers = headers
    }

    static func defaultDetail(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "There is nothing at this address. The API's operations are listed in /api/openapi.yaml."
        case 405: "This address does not accept that method."
        case 500..<600: "An unexpected error stopped this request. It has been logged with the request id; please try again."
        default: status.reasonPhrase
        }
    }

    /// The problem document; `requestID` goes with server errors, so a client can quote it.
    func response(requestID: String?) -> Response {
        struct Document: Encodable {
            var type: String
            var title: String
            var status: Int
            var detail: String
            var requestId: String?
            var errors: [FieldProblem]?
        }
        let document = Document(
            type: type, title: status.reasonPhrase, status: Int(status.code), detail: detail, requestId: requestID, errors: errors.isEmpty ? nil : errors)
        var fields = headers
        fields[.contentType] = "application/problem+json"
        fields[.cacheControl] = "no-store"
        let body = (try? APIJSON.encoder.encode(document)) ?? Data("{}".utf8)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Where API clients are, rather than browsers.
enum APIPaths {
    static func isAPI(_ path: String) -> Bool {
        path == "/api" || path.hasPrefix("/api/") || path == "/graphql" || path.hasPrefix("/graphql/")
    }
}

/// JSON for API clients: one naming style (snake_case), times in RFC 3339 UTC, keys sorted so bodies are stable.
enum APIJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let body = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// A read's answer with an `ETag` (a digest of the body), or 304 when the client's `If-None-Match` has it. The
    /// client asks again each time (`no-cache`); only the body is saved. `private`: it may depend on who asks.
    static func response(_ value: some Encodable, for request: Request) throws -> Response {
        response(try answer(value), for: request)
    }

    /// `value` encoded, with its entity tag: what `APIAnswerCache` keeps.
    static func answer(_ value: some Encodable) throws -> APIAnswerCache.Answer {
        let body = try encoder.encode(value)
        return APIAnswerCache.Answer(body: ByteBuffer(bytes: body), etag: EntityTag.of(body))
    }

    static func response(_ answer: APIAnswerCache.Answer, for request: Request) -> Response {
        // Vary: the body may depend on who asks (a course's `viewer`), so a cache keeps one per caller.
        let headers: HTTPFields = [
            .contentType: "application/json", .eTag: answer.etag, .cacheControl: "private, no-cache", .vary: "Authorization, Cookie",
        ]
        if EntityTag.matches(request.headers, answer.etag) {
            var unchanged = headers
            unchanged[.contentType] = nil
            return Response(status: .notModified, headers: unchanged)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: answer.body))
    }
}
