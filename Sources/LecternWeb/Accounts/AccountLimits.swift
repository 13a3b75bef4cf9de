import Foundation

/// The limits on mail to one address (the forms' own limits are `Accounts`').
enum AccountLimits {
    /// Messages to one address an hour, per kind and client network, and of every kind from anywhere; a form past
    /// either answers as usual and mails nothing.
    static let mailWindow: TimeInterval = 3600
    static let mailOfAKindPerNetwork = 3
    static let mailOfAllKinds = 10

    /// The ledger's counters for one message of `kind` asked for from `network`.
    static func mailCounters(kind: String, network: String) -> [(name: String, limit: Int)] {
        [("\(kind) from \(network)", mailOfAKindPerNetwork), allMail]
    }

    /// The counter every message to an address counts towards, whatever sent it.
    static let allMail = (name: "any", limit: mailOfAllKinds)
}
