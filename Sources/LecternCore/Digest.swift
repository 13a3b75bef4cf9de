import Crypto
import Foundation

/// Content hashes and keyed signatures, from swift-crypto: never written by hand.
public enum Digest {
    /// The SHA-256 of `bytes`, as 64 lowercase hex digits.
    public static func sha256Hex(_ bytes: some DataProtocol) -> String {
        hex(Crypto.SHA256.hash(data: bytes))
    }

    /// Lowercase hex of `bytes` (a table, not `String(format:)`, which cost 10% of a signed-in page: issue 13).
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The SHA-256 of a string's UTF-8.
    public static func sha256Hex(_ text: String) -> String {
        sha256Hex(Array(text.utf8))
    }
}

/// Signs short messages with HMAC-SHA256 under the site's secret key, so a value handed to a browser (a form token,
/// a device cookie) can be checked later without storing it.
public struct MessageSigner: Sendable {
    private let key: SymmetricKey

    /// `secret` must hold at least 32 random bytes.
    public init(secret: some DataProtocol) {
        self.key = SymmetricKey(data: Array(secret))
    }

    /// The signature of `message`, base64url without padding (43 characters).
    public func signature(_ message: String) -> String {
        SecretToken.base64URL(Array(HMAC<Crypto.SHA256>.authenticationCode(for: Array(message.utf8), using: key)))
    }

    /// Whether `signature` is `message`'s, compared in constant time.
    public func isValid(_ signature: String, for message: String) -> Bool {
        guard let code = SecretToken.decodeBase64URL(signature), code.count == 32 else { return false }
        return HMAC<Crypto.SHA256>.isValidAuthenticationCode(code, authenticating: Array(message.utf8), using: key)
    }

}
