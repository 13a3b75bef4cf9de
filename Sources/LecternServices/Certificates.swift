import Foundation
import LecternCore
import LecternStore

/// Certificates: checking one by its code (anyone may), those a learner holds, and an operator's list, revocations and
/// reissues.
public struct Certificates: Sendable {
    let enrolments: EnrolmentStore

    /// The longest code looked up; every code issued is far shorter.
    public static let maxCodeLength = 40

    public init(database: any SiteDatabase) {
        self.enrolments = database.enrolments
    }

    /// The certificate with `code` as printed on it (any case), valid, replaced or revoked; nil when none has it.
    public func verify(_ code: String) async throws -> Certificate? {
        guard !code.isEmpty, code.utf8.count <= Self.maxCodeLength else { return nil }
        return try await enrolments.certificate(code: code.uppercased())
    }

    /// The longest reason for a revocation (it is shown on the certificate's page).
    public static let maxRevocationReasonLength = 300

    /// Revokes the certificate with `code` (any case), saying why on its page: the revoked certificate, and whether this
    /// changed it (false when it was revoked already). Nil when no certificate has the code.
    public func revoke(_ code: String, reason typed: String) async throws -> (certificate: Certificate, changed: Bool)? {
        let reason = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.unicodeScalars.count <= Self.maxRevocationReasonLength else {
            throw AdministrationRefusal.invalid(field: "reason", reason: "must be 1 to \(Self.maxRevocationReasonLength) characters")
        }
        let normalised = code.trimmingCharacters(in: .whitespaces).uppercased()
        guard let certificate = try await verify(normalised) else { return nil }
        let changed = certificate.revokedAt == nil
        if changed { _ = try await enrolments.revoke(code: normalised, reason: reason) }
        return (certificate, changed)
    }

    /// Issues a corrected certificate under a new code (with `name`, already clean, or the account's name now); the old
    /// one's page then links the new one. Refusals are `CertificateReissueError`s.
    public func reissue(_ code: String, name: String?) async throws -> Certificate {
        try await enrolments.reissue(code: code.trimmingCharacters(in: .whitespaces).uppercased(), name: name)
    }

    /// Every certificate issued (or one course's), newest first, with the holder's address while the account exists.
    public func issued(courseSlug: String? = nil) async throws -> [CertificateRecord] {
        try await enrolments.certificateRecords(courseSlug: courseSlug)
    }

    /// The certificates `userID` holds, newest first.
    public func held(by userID: Int64) async throws -> [Certificate] {
        try await enrolments.certificates(of: userID)
    }
}
