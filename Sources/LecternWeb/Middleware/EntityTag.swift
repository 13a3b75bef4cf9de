import Foundation
import HTTPTypes
import LecternCore

/// Entity tags for static files, the API's reads and its contract: one recipe, and one `If-None-Match` rule.
enum EntityTag {
    /// A strong tag from a digest of the bytes.
    static func of(_ bytes: some DataProtocol) -> String {
        "\"\(Digest.sha256Hex(bytes).prefix(32))\""
    }

    /// RFC 9110 13.1.2: whether `If-None-Match` (every field of it) names `etag`, by weak comparison (a proxy that
    /// compresses may send back `W/"…"`), or is `*`.
    static func matches(_ headers: HTTPFields, _ etag: String) -> Bool {
        let strong = etag.hasPrefix("W/") ? String(etag.dropFirst(2)) : etag
        return headers[values: .ifNoneMatch].flatMap { $0.split(separator: ",") }.contains { entry in
            let tag = entry.trimmingCharacters(in: .whitespaces)
            return tag == "*" || (tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag) == strong
        }
    }
}
