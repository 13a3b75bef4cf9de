import HTTPTypes
import Hummingbird

// Hummingbird's router answers 404 when an address exists but not for the method sent; an API must say 405 and list
// what the address accepts in `Allow` (RFC 9110, 15.5.6), so each API address registers the other methods here.
extension RouterGroup where Context == AppRequestContext {
    /// Answers every method but `allowed` (and HEAD with GET) on `path` with a 405 problem and `Allow`. OPTIONS too:
    /// the API answers no cross-origin preflight, so browsers on other sites cannot call it.
    func rejectOtherMethods(_ path: RouterPath, allowing allowed: [HTTPRequest.Method]) {
        let accepted = allowed.contains(.get) ? allowed + [.head] : allowed
        let allow = accepted.map(\.rawValue).joined(separator: ", ")
        // Every method registered in HTTP's method registry that clients send (QUERY too: RFC 9110's successor drafts).
        let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .options, .trace, .connect, HTTPRequest.Method("QUERY")!]
        for method in methods where !accepted.contains(method) {
            on(path, method: method) { _, _ -> Response in
                throw APIProblem(
                    kind: .methodNotAllowed, status: .methodNotAllowed, detail: "This address accepts \(allow) only.", headers: [.allow: allow])
            }
        }
    }
}
