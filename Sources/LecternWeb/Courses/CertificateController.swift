import Foundation
import Hummingbird
import LecternCore
import LecternServices

/// Public certificate pages anyone can verify: `/certificates/<code>` for people, `/certificates/<code>.json` for machines.
struct CertificateController: Sendable {
    let certificates: Certificates
    let renderer: PageRenderer
    let template: PageTemplate

    init(certificates: Certificates, renderer: PageRenderer) throws {
        self.certificates = certificates
        self.renderer = renderer
        self.template = try renderer.template("certificate")
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/certificates/:code", use: show)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        var code = try context.parameters.require("code")
        let wantsJSON = code.hasSuffix(".json")
        if wantsJSON { code.removeLast(5) }
        guard let certificate = try await certificates.verify(code) else {
            throw HTTPError(.notFound, message: "No certificate has this code. Check it against the one printed on the certificate.")
        }
        let url = "\(renderer.baseURL)/certificates/\(certificate.code)"
        if wantsJSON {
            var facts: [String: Any] = [
                "code": certificate.code, "learner": certificate.learnerName, "course": certificate.courseTitle,
                "course_url": "\(renderer.baseURL)/courses/\(certificate.courseSlug)", "completed_on": renderer.dates.day(certificate.completedAt),
                "status": certificate.revokedAt == nil ? "valid" : "revoked", "verify_url": url, "issuer": renderer.site.name,
            ]
            if let assessment = certificate.assessment {
                var assessed: [String: Any] = [
                    "summary": assessment.sentence, "lessons_completed": assessment.lessonsCompleted, "knowledge_checks_passed": assessment.quizzesPassed,
                    "checkpoints_approved": assessment.checkpointsApproved,
                ]
                assessed["knowledge_check_average_percent"] = assessment.quizAverage ?? NSNull()
                facts["assessed"] = assessed
                facts["course_version"] = assessment.courseVersion
            }
            if let newer = certificate.replacedBy {
                facts["status"] = certificate.revokedAt == nil ? "replaced" : "revoked"
                facts["replaced_by"] = newer
                facts["replaced_by_url"] = "\(renderer.baseURL)/certificates/\(newer)"
                facts["replaced_on"] = certificate.replacedAt.map(renderer.dates.day) ?? ""
            }
            if let revoked = certificate.revokedAt {
                facts["revoked_on"] = renderer.dates.day(revoked)
                facts["revoke_reason"] = certificate.revokeReason ?? ""
            }
            let data = try JSONSerialization.data(withJSONObject: facts, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        let view = CertificatePageView(
            site: renderer.site,
            meta: renderer.meta(
                title: "Certificate: \(certificate.courseTitle)", description: "\(certificate.learnerName) completed \(certificate.courseTitle).",
                path: "/certificates/\(certificate.code)", noindex: true, session: context.session),
            code: certificate.code, learnerName: certificate.learnerName, courseTitle: certificate.courseTitle, courseSlug: certificate.courseSlug,
            date: renderer.dates.long(certificate.completedAt), dateISO: renderer.dates.day(certificate.completedAt),
            revokedDate: certificate.revokedAt.map(renderer.dates.long), revokeReason: certificate.revokeReason, verifyURL: url,
            assessed: certificate.assessment?.sentence, courseVersion: certificate.assessment?.courseVersion, replacedBy: certificate.replacedBy,
            replacedDate: certificate.replacedAt.map(renderer.dates.long))
        return try renderer.render(view, with: template).response(from: request, context: context)
    }
}
