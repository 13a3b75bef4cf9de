import Foundation
import Hummingbird
import LecternCore

/// `GET /api/openapi.yaml`: the API's contract, the very file at the top of the repository (`openapi.yaml`), read once
/// at start from the module's resources.
struct ContractController: Sendable {
    let spec: ByteBuffer
    let etag: String

    struct MissingContract: Error, CustomStringConvertible {
        var description: String { "openapi.yaml is missing from the LecternWeb resources (Sources/LecternWeb/Contract)" }
    }

    init() throws {
        guard let url = Bundle.module.url(forResource: "Contract/openapi", withExtension: "yaml") else { throw MissingContract() }
        let data = try Data(contentsOf: url)
        spec = ByteBuffer(bytes: data)
        etag = EntityTag.of(data)
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/api/openapi.yaml", use: contract)
        group.rejectOtherMethods("/api/openapi.yaml", allowing: [.get])
    }

    @Sendable func contract(_ request: Request, context: AppRequestContext) async throws -> Response {
        if EntityTag.matches(request.headers, etag) {
            return Response(status: .notModified, headers: [.eTag: etag, .cacheControl: "public, max-age=300"])
        }
        return Response(
            status: .ok, headers: [.contentType: "application/yaml; charset=utf-8", .eTag: etag, .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: spec))
    }
}
