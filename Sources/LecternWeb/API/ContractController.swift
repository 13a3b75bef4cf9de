import Foundation
import Hummingbird
import LecternCore

/// `GET /api/openapi.yaml`: the API's contract, the very file at the top of the repository (`openapi.yaml`), read once
/// at start from the module's resources; `GET /api/docs`: the same contract as a readable page, rendered on the server.
struct ContractController: Sendable {
    let spec: ByteBuffer
    let etag: String
    let renderer: PageRenderer
    let reference: APIReference
    let template: PageTemplate
    let pageCache: PageCache

    struct MissingContract: Error, CustomStringConvertible {
        var description: String { "openapi.yaml is missing from the LecternWeb resources (Sources/LecternWeb/Contract)" }
    }

    init(renderer: PageRenderer, pageCache: PageCache) throws {
        guard let url = Bundle.module.url(forResource: "Contract/openapi", withExtension: "yaml") else { throw MissingContract() }
        let data = try Data(contentsOf: url)
        spec = ByteBuffer(bytes: data)
        etag = EntityTag.of(data)
        reference = try APIReference(yaml: String(decoding: data, as: UTF8.self))
        self.renderer = renderer
        self.template = try renderer.template("api-docs")
        self.pageCache = pageCache
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/api/openapi.yaml", use: contract)
        group.rejectOtherMethods("/api/openapi.yaml", allowing: [.get])
        group.get("/api/docs", use: docs)
        group.rejectOtherMethods("/api/docs", allowing: [.get])
    }

    @Sendable func docs(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await pageCache.page(for: request, context: context) {
            let view = APIReferencePageView(
                site: renderer.site,
                meta: renderer.meta(
                    title: "API reference", description: "Every operation of the \(renderer.site.name) REST API: who may call it, what it takes, what it answers.",
                    path: "/api/docs", session: context.session),
                title: reference.title, version: reference.version, introHTML: reference.introHTML, groups: reference.groups,
                operationCount: reference.groups.map(\.operations.count).reduce(0, +))
            return renderer.render(view, with: template)
        }
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
