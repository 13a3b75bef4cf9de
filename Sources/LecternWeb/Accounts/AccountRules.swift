import Foundation
import LecternCore

/// Form validation shared by registration, the account page and password reset: each returns the clean value,
/// or nil with a message for the field.
enum AccountRules {
    static func name(_ text: String, error message: inout String?) -> String? {
        do {
            return try PersonName.clean(text)
        } catch {
            message = error.description
            return nil
        }
    }

    static func email(_ text: String, error message: inout String?) -> EmailAddress? {
        do {
            return try EmailAddress(text)
        } catch .empty {
            message = "Enter your email address."
        } catch .tooLong {
            message = "Use an address of at most \(EmailAddress.maximumLength) characters."
        } catch {
            message = "Enter an email address like name@example.com."
        }
        return nil
    }

    static func newPassword(_ password: String, confirmation: String, error message: inout String?, confirmationError: inout String?) {
        do {
            try PasswordPolicy.check(password)
        } catch {
            message = password.isEmpty ? "Choose a password." : error.description
            return
        }
        if confirmation != password {
            confirmationError = "The two passwords are not the same. Type the new password again."
        }
    }
}
