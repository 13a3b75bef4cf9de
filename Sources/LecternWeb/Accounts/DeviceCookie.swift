import Hummingbird
import LecternCore

/// A long-lived cookie that marks a browser which has signed in to an account before (OWASP's "device cookie").
/// Its value is a random id and the site key's HMAC of the id with the account's email key and a digest of its
/// stored password hash, so it proves nothing for any other account, cannot be forged, and dies with every password
/// change or reset. Failed logins from elsewhere do not lock out a browser holding one.
struct DeviceCookie: Sendable {
    let signer: MessageSigner
    let secure: Bool
    static let maxAge = 365 * 86_400

    var name: String { secure ? "__Host-lectern_device" : "lectern_device" }

    /// A new cookie for a browser that has just signed in to the account with `emailKey` and `passwordHash`.
    func setting(emailKey: String, passwordHash: String) -> String {
        let id = SecretToken.make(bytes: 16)
        let value = "\(id).\(signer.signature(Self.message(id, emailKey, passwordHash)))"
        return SessionCookie.header(name, value, maxAge: Self.maxAge, secure: secure)
    }

    /// The device id when this browser's cookie was issued for the account with `emailKey` and its current
    /// `passwordHash`, else nil.
    func trustedDevice(in request: Request, emailKey: String, passwordHash: String?) -> String? {
        guard let passwordHash, let value = request.cookies[name]?.value, value.utf8.count < 200 else { return nil }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let id = String(parts[0])
        return signer.isValid(String(parts[1]), for: Self.message(id, emailKey, passwordHash)) ? id : nil
    }

    private static func message(_ id: String, _ emailKey: String, _ passwordHash: String) -> String {
        "device:\(id):\(emailKey):\(Digest.sha256Hex(passwordHash).prefix(32))"
    }
}
