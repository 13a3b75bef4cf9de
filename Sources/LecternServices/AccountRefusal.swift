import Foundation

/// Why an account operation was refused (beyond fields to fix, which are `AccountProblems`); told by the web as a page
/// with the right status, by the CLI in its own words.
public enum AccountRefusal: Error, Sendable, Equatable {
    /// Mail-sending forms from this client network have had their allowance for the hour.
    case tooManyMailForms(retryAfter: TimeInterval)
    /// This account has made many changes in the hour (each costs a password hash).
    case tooManyChanges(retryAfter: TimeInterval)
    /// This account has asked for several verification links in the hour.
    case tooManyVerificationLinks(retryAfter: TimeInterval)
    /// Too many failed logins for this account (or device) or from this network.
    case tooManyFailedLogins(retryAfter: TimeInterval)
    /// Another account took the new address between the request and its confirmation.
    case addressTakenMeanwhile
    /// The account has no token with that id.
    case noSuchToken
    /// The account has no notice with that id.
    case noSuchNotice
}
