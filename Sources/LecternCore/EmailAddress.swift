import Foundation

/// An email address as typed (trimmed), and the key it is compared by (lowercased), so that
/// `Maya@Example.com ` and `maya@example.com` are one account.
public struct EmailAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    public static let maximumLength = 254

    public let value: String
    public var key: String { value.lowercased() }
    public var description: String { value }

    public enum Problem: Error, Sendable, Equatable {
        case empty
        case invalid
        case tooLong
    }

    public init(_ text: String) throws(Problem) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .empty }
        guard trimmed.count <= Self.maximumLength else { throw .tooLong }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last, !local.isEmpty, local.count <= 64,
            domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains(".."),
            !trimmed.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true || "<>()[],;:\\\"".contains($0) })
        else { throw .invalid }
        self.value = trimmed
    }
}
