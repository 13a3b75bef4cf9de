import Foundation

/// How long the links Lectern mails stay usable.
public enum LinkValidity {
    public static let passwordReset: TimeInterval = 3600
    public static let emailVerification: TimeInterval = 48 * 3600
    public static let emailChange: TimeInterval = 24 * 3600
}
