import Foundation
import LecternCore
import LecternStore

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

    /// A token's name (1 to 60 characters) and scope (chosen, and never beyond the owner's role).
    public static func token(name typed: String, scope: TokenScope?, for user: User, _ problems: inout AccountProblems) -> (name: String, scope: TokenScope)? {
        let name = AccessToken.name(typed)
        if name == nil {
            problems[.tokenName] =
                typed.trimmingCharacters(in: .whitespaces).isEmpty
                ? "Give the token a name, such as the program that will use it." : "Use at most \(AccessToken.maxNameLength) characters."
        }
        if scope == nil {
            problems[.tokenScope] = "Choose what the token may do."
        } else if scope == .admin, user.role != .admin {
            problems[.tokenScope] = "Only administrators can make admin tokens."
        }
        guard let name, let scope else { return nil }
        return problems[.tokenScope] == nil ? (name, scope) : nil
    }
}
