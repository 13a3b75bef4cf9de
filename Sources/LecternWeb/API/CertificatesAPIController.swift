import Foundation
import Hummingbird
import LecternCore
import LecternServices

/// `GET /api/v1/certificates/{code}`: anyone may check a certificate by the code printed on it. Only what the
/// certificate itself shows: the name on it, the course, the dates and what was assessed; never an account.
struct CertificatesAPIController: Sendable {
    let certificates: Certificates
    let baseURL: String

    struct Assessed: Encodable {
        var summary: String
        var lessonsCompleted: Int
        var knowledgeChecksPassed: Int
        var knowledgeCheckAveragePercent: Int?
        var checkpointsApproved: Int
        var courseVersion: String
    }

    struct Verified: Encodable {
        var code: String
        /// valid, replaced (by `replaced_by`) or revoked.
        var status: String
        var learnerName: String
        var course: String
        var courseTitle: String
        var completedAt: Date
        var verifyUrl: String
        var assessed: Assessed?
        var replacedBy: String?
        var replacedAt: Date?
        var revokedAt: Date?
        var revokeReason: String?
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("certificates/:code", use: verify)
        group.rejectOtherMethods("certificates/:code", allowing: [.get])
    }

    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let certificate = try await certificates.verify(try context.parameters.require("code")) else {
            throw APIProblem(
                kind: .notFound, status: .notFound, detail: "No certificate has this code. Check it against the one printed on the certificate.")
        }
        let status = certificate.revokedAt != nil ? "revoked" : certificate.replacedBy != nil ? "replaced" : "valid"
        let assessed = certificate.assessment.map {
            Assessed(
                summary: $0.sentence, lessonsCompleted: $0.lessonsCompleted, knowledgeChecksPassed: $0.quizzesPassed,
                knowledgeCheckAveragePercent: $0.quizAverage, checkpointsApproved: $0.checkpointsApproved, courseVersion: $0.courseVersion)
        }
        return try APIJSON.response(
            Verified(
                code: certificate.code, status: status, learnerName: certificate.learnerName, course: certificate.courseSlug,
                courseTitle: certificate.courseTitle, completedAt: certificate.completedAt, verifyUrl: "\(baseURL)/certificates/\(certificate.code)",
                assessed: assessed, replacedBy: certificate.replacedBy, replacedAt: certificate.replacedAt, revokedAt: certificate.revokedAt,
                revokeReason: certificate.revokeReason),
            for: request)
    }
}
