import Foundation

/// What a personal access token lets a program do. Each scope includes the ones below it, and a token never does
/// more than its owner can: an `admin` token of an account that is no longer an administrator acts as `learn`.
public enum TokenScope: String, Sendable, CaseIterable, Comparable {
    /// Public content and the holder's own profile and progress.
    case read
    /// Also what a learner does: enrol, leave, redeem a code, join a waitlist, complete lessons, answer quizzes,
    /// submit checkpoints.
    case learn
    /// Also what the CLI's course and enrolment commands do; only for administrators.
    case admin

    private var rank: Int {
        switch self {
        case .read: 0
        case .learn: 1
        case .admin: 2
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

    /// What a token of this scope may do for an account with `role`: never more than the account itself.
    public func effective(for role: User.Role) -> TokenScope {
        role == .admin ? self : min(self, .learn)
    }

    /// One line for people choosing a scope.
    public var summary: String {
        switch self {
        case .read: "read: public content and your own profile and progress"
        case .learn: "learn: also enrol, complete lessons, answer quizzes, submit work"
        case .admin: "admin: also manage courses and enrolments (administrators only)"
        }
    }
}

/// Personal access tokens: random secrets a person gives to a program instead of their password. Only a hash is
/// stored; the secret is shown once, when it is made.
public enum AccessToken {
    /// Every secret starts with it, so a leaked one is recognisable (secret scanners, logs) and a typo is caught early.
    public static let prefix = "lct_"
    public static let maxNameLength = 60
    /// Active tokens one account may hold at once.
    public static let maxActivePerAccount = 50

    /// A new secret: the prefix and 256 random bits, base64url.
    public static func make() -> String { prefix + SecretToken.make(bytes: 32) }

    /// Whether `text` has the shape of a secret (not whether one exists).
    public static func isWellFormed(_ text: String) -> Bool {
        text.hasPrefix(prefix) && text.count == prefix.count + 43
            && text.dropFirst(prefix.count).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// What lists show of a secret: the prefix and its last four characters.
    public static func hint(of secret: String) -> String { prefix + "…" + secret.suffix(4) }

    /// The name as stored: trimmed, one line, 1 to 60 characters; nil when it cannot be one.
    public static func name(_ text: String) -> String? {
        let name = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return (1...maxNameLength).contains(name.unicodeScalars.count) ? name : nil
    }
}
