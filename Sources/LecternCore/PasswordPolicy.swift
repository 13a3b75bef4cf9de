import Foundation

/// NIST SP 800-63B rules: long enough, not absurdly long, not a known common password; any characters, no composition rules.
public enum PasswordPolicy {
    public static let minimumLength = 12
    public static let maximumLength = 128

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case tooShort
        case tooLong
        case common

        public var description: String {
            switch self {
            case .tooShort: "Use at least \(PasswordPolicy.minimumLength) characters. A few unrelated words make a strong, memorable password."
            case .tooLong: "Use at most \(PasswordPolicy.maximumLength) characters."
            case .common: "This password is on a list of commonly used passwords. Choose one that is harder to guess."
            }
        }
    }

    /// Checks `password` as typed (counted in Unicode code points after NFC normalisation, as NIST asks).
    public static func check(_ password: String) throws(Problem) {
        let length = password.precomposedStringWithCanonicalMapping.unicodeScalars.count
        guard length >= minimumLength else { throw .tooShort }
        guard length <= maximumLength else { throw .tooLong }
        guard !CommonPasswords.contains(password) else { throw .common }
    }
}

/// The shipped list of the most common passwords (Resources/common-passwords.txt), loaded once.
public enum CommonPasswords {
    static let list: Set<String> = {
        guard let url = Bundle.module.url(forResource: "common-passwords", withExtension: "txt"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { preconditionFailure("Resources/common-passwords.txt is missing from the LecternCore bundle") }
        var set = Set<String>()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            set.insert(String(line))
        }
        return set
    }()

    public static var count: Int { list.count }

    public static func contains(_ password: String) -> Bool {
        list.contains(password.lowercased())
    }
}
