/// A string property's `pattern` in `openapi.yaml`, checked scalar by scalar (the patterns are character classes, so no
/// regular expression is needed), with the reason a client is given when a value breaks it.
enum TextPattern: Sendable {
    /// `^[A-Za-z0-9-]+$`: an access code as a program sends it (any case, dashes optional).
    case accessCode
    /// `^[^\x00-\x1F\x7F%]+$`: an address that may end up in a URL path: no control characters, and no `%`, which a
    /// client that does not encode it would send as the start of an escape.
    case pathSafeAddress

    func admits(_ text: String) -> Bool {
        switch self {
        case .accessCode:
            text.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        case .pathSafeAddress:
            !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "%" }
        }
    }

    var reason: String {
        switch self {
        case .accessCode: "must hold only letters, digits and dashes, as in 7KQ2M-XW9FD-R4TCN"
        case .pathSafeAddress: "must hold no control characters and no %"
        }
    }
}
