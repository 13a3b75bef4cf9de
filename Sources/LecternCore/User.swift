import Foundation

/// A person with an account. Learners study; admins also manage the site.
public struct User: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        case learner
        case admin
    }

    public var id: Int64
    public var email: String
    public var name: String
    public var role: Role
    public var isDisabled: Bool
    public var createdAt: Date
    /// Whether the owner proved the address by following the link mailed to it (or an operator vouched for it).
    public var isEmailVerified = false

    public init(id: Int64, email: String, name: String, role: Role, isDisabled: Bool, createdAt: Date) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.isDisabled = isDisabled
        self.createdAt = createdAt
    }
}
