import Crypto
import Foundation

/// Random secrets handed to a browser or a mailbox (session ids, CSRF and reset tokens). Only their hash is stored.
public enum SecretToken {
    /// `bytes` random bytes from the system's CSPRNG, base64url without padding.
    public static func make(bytes: Int = 32) -> String {
        base64URL(randomBytes(bytes))
    }

    /// `count` random bytes from the system's CSPRNG.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The SHA-256 of a token, as stored in the database.
    public static func hash(_ token: String) -> String {
        Digest.sha256Hex(token)
    }

    /// Compares secrets in time that does not depend on where they differ.
    /// Both sides are hashed first: swift-crypto compares digests in constant time, whatever the lengths.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        Crypto.SHA256.hash(data: Array(a.utf8)) == Crypto.SHA256.hash(data: Array(b.utf8))
    }

    /// The bytes of a base64url text without padding, or nil when it is not one.
    public static func decodeBase64URL(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("="), base64.count % 4 != 1 else { return nil }
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }

    public static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out = [UInt8]()
        var index = 0
        while index + 2 < bytes.count {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            index += 3
        }
        let rest = bytes.count - index
        if rest == 1 {
            let n = UInt32(bytes[index]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)]]
        } else if rest == 2 {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
