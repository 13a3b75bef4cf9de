import Foundation
import LecternCore

/// Hashing and checking passwords with argon2id, however the caller runs it: the server on a bounded thread pool, the
/// CLI in the foreground.
public protocol PasswordHashing: Sendable {
    /// Today's parameters: new hashes use them, and a stored hash made with weaker ones is replaced at login.
    var parameters: Argon2Parameters { get }
    func hash(_ password: String) async throws -> String
    /// Whether `password` matches `encoded`; with no hash (no such account) it still spends the time of a check, and is false.
    func verify(_ password: String, against encoded: String?) async throws -> Bool
}

extension PasswordHashing {
    /// Whether a stored hash was made with weaker parameters than today's (or cannot be read) and should be replaced.
    public func needsRehash(_ encoded: String) -> Bool {
        PasswordHash.parameters(of: encoded).map { $0.isWeaker(than: parameters) } ?? true
    }
}

/// Hashes on the calling task: for the CLI, where one command hashes once and nothing else waits.
public struct ForegroundPasswordHasher: PasswordHashing {
    public let parameters: Argon2Parameters

    public init(parameters: Argon2Parameters) {
        self.parameters = parameters
    }

    public func hash(_ password: String) async throws -> String {
        try PasswordHash.make(password, parameters: parameters)
    }

    public func verify(_ password: String, against encoded: String?) async throws -> Bool {
        guard let encoded else {
            // No account: spend a hash all the same, so the time does not tell.
            _ = try? PasswordHash.make(password, parameters: parameters)
            return false
        }
        return PasswordHash.verify(password, against: encoded)
    }
}
