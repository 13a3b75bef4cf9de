import Foundation
import LecternCore

/// What to fix in an account form, field by field, in words a person can act on; nothing was changed.
public struct AccountProblems: Error, Sendable, Equatable {
    /// The fields of the account forms (registration, login, profile, address, password, reset, tokens).
    public enum Field: String, Sendable, Hashable {
        case name, email, password, passwordConfirmation, currentPassword, tokenName, tokenScope
    }

    public private(set) var messages: [Field: String] = [:]

    public init(_ messages: [Field: String] = [:]) {
        self.messages = messages
    }

    public subscript(_ field: Field) -> String? {
        get { messages[field] }
        set { messages[field] = newValue }
    }

    public var isEmpty: Bool { messages.isEmpty }

    /// Throws itself when there is anything to fix.
    public func check() throws(AccountProblems) {
        if !isEmpty { throw self }
    }
}

/// The rules of the account forms, shared by registration, the account page, password reset and the CLI: each returns
/// the clean value, or nil with the field's message added to `problems`.
public enum AccountRules {
    public static func name(_ text: String, _ problems: inout AccountProblems) -> String? {
        do {
            return try PersonName.clean(text)
        } catch {
            problems[.name] = error.description
            return nil
        }
    }

    public static func email(_ text: String, _ problems: inout AccountProblems) -> EmailAddress? {
        do {
            return try EmailAddress(text)
        } catch .empty {
            problems[.email] = "Enter your email address."
        } catch .tooLong {
            problems[.email] = "Use an address of at most \(EmailAddress.maximumLength) characters."
        } catch {
            problems[.email] = "Enter an email address like name@example.com."
        }
        return nil
    }

    /// A new password must follow the policy and be typed the same twice.
    public static func newPassword(_ password: String, confirmation: String, _ problems: inout AccountProblems) {
        do {
            try PasswordPolicy.check(password)
        } catch {
            problems[.password] = password.isEmpty ? "Choose a password." : error.description
            return
        }
        if confirmation != password {
            problems[.passwordConfirmation] = "The two passwords are not the same. Type the new password again."
        }
    }
}
