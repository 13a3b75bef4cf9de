import Foundation
import LecternCore

/// Changes of a learner's email address. A change takes effect only when the link mailed to the new address is
/// followed (proof of that mailbox); until then the account keeps its address, and a password change or reset, or
/// disabling the account, cancels it.
public protocol EmailChangeStore: Sendable {
    typealias Change = EmailChange
    typealias Failure = EmailChangeFailure
    /// A token to mail to `newEmail`, or nil when another account has that address (the caller answers the same
    /// either way and mails nothing). Earlier pending changes of the user stop working.
    func request(userID: Int64, newEmail: EmailAddress, now: Date) async throws -> String?

    /// The address a pending change would set, if `token` is live.
    func pendingAddress(forToken token: String, now: Date) async throws -> String?

    /// Applies the change in one transaction: the new address, every outstanding reset link and pending change
    /// ended, and every session of the user ended but `keeping` (the browser that followed the link, if it is the
    /// user's). Nil when the token is unknown, used, expired or its account disabled.
    func confirm(token: String, keeping sessionIDHash: String?, now: Date) async throws -> Change?
}

// The defaults callers rely on (a protocol requirement cannot declare them).
extension EmailChangeStore {
    public func request(userID: Int64, newEmail: EmailAddress, now: Date = Date()) async throws -> String? {
        try await self.request(userID: userID, newEmail: newEmail, now: now)
    }

    public func pendingAddress(forToken token: String, now: Date = Date()) async throws -> String? {
        try await self.pendingAddress(forToken: token, now: now)
    }

    public func confirm(token: String, keeping sessionIDHash: String? = nil, now: Date = Date()) async throws -> Change? {
        try await self.confirm(token: token, keeping: sessionIDHash, now: now)
    }
}


public enum EmailChangeFailure: Error, Sendable, Equatable {
    /// Another account took the address between the request and the confirmation.
    case emailTaken
}

/// The result of following a confirmation link.
public struct EmailChange: Sendable, Equatable {
    public var user: User
    public var previousEmail: String
}
