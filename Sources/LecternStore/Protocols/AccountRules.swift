import Foundation
import LecternCore

// The rules of the account stores that are not SQL, shared by the SQLite and PostgreSQL backends.

extension AccessTokenError {
    /// The name a new token is stored under, once the request is checked: a usable name, a scope the account may
    /// hold, and an expiry (if any) still to come.
    static func checkedName(_ name: String, scope: TokenScope, role: User.Role, expiresAt: Date?, now: Date) throws -> String {
        guard let name = AccessToken.name(name) else { throw AccessTokenError.invalidName }
        guard scope <= TokenScope.learn || role == .admin else { throw AccessTokenError.scopeAboveRole }
        if let expiresAt, expiresAt <= now { throw AccessTokenError.expiryInThePast }
        return name
    }
}

extension AccessTokenRecord {
    /// A token's last use is written at most this often, so a busy client does not turn every read into a write.
    static let useNoteInterval: TimeInterval = 60

    /// Whether a use at `now` is worth writing down.
    func needsUseNoted(at now: Date) -> Bool {
        lastUsedAt.map { now.timeIntervalSince($0) >= Self.useNoteInterval } ?? true
    }
}

extension AccessCodeProblem {
    /// Why the code gives no place now, or nil when it still gives one. Checked in this order: withdrawn, already
    /// used by this learner, used up, expired.
    static func of(revokedAt: Date?, alreadyRedeemed: Bool, uses: Int, usesAllowed: Int, expiresAt: Date?, now: Date) -> AccessCodeProblem? {
        if revokedAt != nil { return .revoked }
        if alreadyRedeemed { return .alreadyRedeemed }
        if uses >= usesAllowed { return .used }
        if let expiresAt, expiresAt <= now { return .expired(expiresAt) }
        return nil
    }
}

extension LinkValidity {
    /// How long expired links are kept before pruning: the per-address mail limits count the last day's links.
    static let keptAfterExpiry: TimeInterval = 86_400
}
