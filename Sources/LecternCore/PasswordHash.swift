import CArgon2
import Foundation

/// Cost settings of argon2id. The defaults are OWASP's minimum for argon2id.
public struct Argon2Parameters: Sendable, Equatable, CustomStringConvertible {
    public var memoryKiB: UInt32
    public var iterations: UInt32
    public var parallelism: UInt32

    public init(memoryKiB: UInt32 = 19_456, iterations: UInt32 = 2, parallelism: UInt32 = 1) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    public static let owaspMinimum = Argon2Parameters()

    /// Whether a hash made with `self` is weaker than one made with `other` in any dimension.
    public func isWeaker(than other: Argon2Parameters) -> Bool {
        memoryKiB < other.memoryKiB || iterations < other.iterations || parallelism < other.parallelism
    }

    public var description: String { "m=\(memoryKiB),t=\(iterations),p=\(parallelism)" }
}

/// argon2id password hashes as standard PHC strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
///
/// These calls are slow on purpose (tens of milliseconds) and block their thread: run them on a thread pool.
public enum PasswordHash {
    /// Each hash allocates `memoryKiB` at once. After the first such block is freed, glibc raises its mmap threshold,
    /// so later blocks come from the heap and a server never shrinks back after a burst of logins. A fixed threshold
    /// keeps them mapped, and returned to the system as soon as each hash is done. Call once, before hashing.
    public static func keepHashMemoryReturnable() {
        #if canImport(Glibc)
            _ = mallopt(M_MMAP_THRESHOLD, 1 << 20)
        #endif
    }

    public static let saltLength = 16
    public static let hashLength = 32

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var code: Int32
        public var description: String { "argon2 failed: \(String(cString: argon2_error_message(code)))" }
    }

    /// Hashes the NFC form of `password` with a fresh random 16-byte salt.
    public static func make(_ password: String, parameters: Argon2Parameters = .owaspMinimum) throws(Failure) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<saltLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let bytes = Array(normalized(password).utf8)
        let length = argon2_encodedlen(
            parameters.iterations, parameters.memoryKiB, parameters.parallelism, UInt32(saltLength), UInt32(hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let code = argon2id_hash_encoded(
            parameters.iterations, parameters.memoryKiB, parameters.parallelism, bytes, bytes.count, salt, salt.count, hashLength, &encoded,
            length)
        guard code == ARGON2_OK.rawValue else { throw Failure(code: code) }
        let bytes8 = encoded.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes8, as: UTF8.self)
    }

    /// Whether `password` matches `encoded`; false for a wrong password and for a malformed hash.
    public static func verify(_ password: String, against encoded: String) -> Bool {
        let bytes = Array(normalized(password).utf8)
        return argon2id_verify(encoded, bytes, bytes.count) == ARGON2_OK.rawValue
    }

    /// The cost a stored hash was made with, to decide whether to re-hash it.
    public static func parameters(of encoded: String) -> Argon2Parameters? {
        // $argon2id$v=19$m=19456,t=2,p=1$salt$hash
        let parts = encoded.split(separator: "$")
        guard parts.count == 5, parts[0] == "argon2id" else { return nil }
        var values: [String: UInt32] = [:]
        for pair in parts[2].split(separator: ",") {
            let keyValue = pair.split(separator: "=")
            guard keyValue.count == 2, let value = UInt32(keyValue[1]) else { return nil }
            values[String(keyValue[0])] = value
        }
        guard let m = values["m"], let t = values["t"], let p = values["p"] else { return nil }
        return Argon2Parameters(memoryKiB: m, iterations: t, parallelism: p)
    }

    /// NIST SP 800-63B: normalise Unicode before hashing so the same password typed on two keyboards matches.
    static func normalized(_ password: String) -> String {
        password.precomposedStringWithCanonicalMapping
    }
}
