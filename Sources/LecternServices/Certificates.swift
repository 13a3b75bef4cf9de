import Foundation
import LecternCore
import LecternStore

/// Certificates: checking one by its code (anyone may), and those a learner holds.
public struct Certificates: Sendable {
    let enrolments: EnrolmentStore

    /// The longest code looked up; every code issued is far shorter.
    public static let maxCodeLength = 40

    public init(database: LecternDatabase) {
        self.enrolments = EnrolmentStore(database: database)
    }

    /// The certificate with `code` as printed on it (any case), valid, replaced or revoked; nil when none has it.
    public func verify(_ code: String) async throws -> Certificate? {
        guard !code.isEmpty, code.utf8.count <= Self.maxCodeLength else { return nil }
        return try await enrolments.certificate(code: code.uppercased())
    }

    /// The certificates `userID` holds, newest first.
    public func held(by userID: Int64) async throws -> [Certificate] {
        try await enrolments.certificates(of: userID)
    }
}
