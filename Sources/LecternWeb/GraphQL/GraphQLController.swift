import Foundation
import GraphQL
import Graphiti
import Hummingbird
import LecternCore
import Logging

/// `/graphql`: queries by GET or POST, mutations by POST only (a GET cannot change anything, so a link or an image
/// cannot either); `/graphql/schema.graphql`: the schema's SDL. The request is parsed once, held to `GraphQLLimits`,
/// validated, then run; every error a client sees says what to fix and nothing of the server's insides.
struct GraphQLController: Sendable {
    let schema: Schema<GraphQLResolver, GraphQLContext>
    let resolver: GraphQLResolver
    let limits: GraphQLLimits
    /// Whether clients may ask for the schema (`__schema`, `__type`); `LECTERN_GRAPHQL_INTROSPECTION=0` turns it off.
    let introspection: Bool
    let refusals: RefusalWording
    let sdl: String
    /// Query results without errors, per caller and request text, under the page cache's freshness rules.
    let answers: APIAnswerCache

    /// The POST body, in bytes: the query text's limit, with room for variables.
    static let maxBodyBytes = 32 * 1024

    init(
        resolver: GraphQLResolver, introspection: Bool, refusals: RefusalWording, answers: APIAnswerCache, limits: GraphQLLimits = GraphQLLimits()
    ) throws {
        schema = try GraphQLSchemaDefinition.make()
        // Schema mistakes show only when the schema is checked: do it at start, not on a client's first request.
        let problems = try validateSchema(schema: schema.schema)
        guard problems.isEmpty else { throw StartupError("the GraphQL schema is invalid: \(problems.map(\.message).joined(separator: "; "))") }
        self.resolver = resolver
        self.introspection = introspection
        self.refusals = refusals
        self.limits = limits
        self.answers = answers
        sdl = printSchema(schema: schema.schema) + "\n"
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: query)
        group.post(use: post)
        group.rejectOtherMethods("", allowing: [.get, .post])
        group.get("schema.graphql", use: schemaText)
        group.rejectOtherMethods("schema.graphql", allowing: [.get])
    }

    @Sendable func schemaText(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: ByteBuffer(string: sdl)))
    }

    /// GET: `query`, optional `operationName` and `variables` (JSON) in the address; queries only.
    @Sendable func query(_ request: Request, context: AppRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        guard let text = parameters.get("query") else { return Self.refuse(.badRequest, "Send the query in the `query` parameter (or POST it as JSON).") }
        var variables: [String: Map] = [:]
        if let json = parameters.get("variables"), !json.isEmpty {
            guard let decoded = try? JSONDecoder().decode([String: Map].self, from: Data(json.utf8)) else {
                return Self.refuse(.badRequest, "`variables` must be a JSON object.")
            }
            variables = decoded
        }
        let operationName = parameters.get("operationName").map { String($0) }
        let graphQLRequest = GraphQLRequest(query: String(text), operationName: operationName?.isEmpty == true ? nil : operationName, variables: variables)
        return await run(graphQLRequest, context: context, mutationsAllowed: false)
    }

    /// POST: a JSON object with `query`, and optional `operationName` and `variables`.
    @Sendable func post(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            return Self.refuse(.unsupportedMediaType, "Send the request as JSON (`Content-Type: application/json`): {\"query\": \"…\", \"variables\": {…}}.")
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maxBodyBytes)
        } catch {
            return Self.refuse(.contentTooLarge, "A request may be at most \(Self.maxBodyBytes / 1024) KiB.")
        }
        let data = Data(body.readableBytesView)
        if data.first(where: { !$0.isWhitespaceByte }) == UInt8(ascii: "[") {
            return Self.refuse(.badRequest, "Send one operation per request: batches (a JSON array) are not accepted.")
        }
        guard let graphQLRequest = try? JSONDecoder().decode(GraphQLRequest.self, from: data) else {
            return Self.refuse(.badRequest, "The body must be a JSON object with a string `query` (and optionally `operationName` and an object `variables`).")
        }
        return await run(graphQLRequest, context: context, mutationsAllowed: true)
    }

    /// Parses, limits, validates and runs one request.
    func run(_ request: GraphQLRequest, context: AppRequestContext, mutationsAllowed: Bool) async -> Response {
        guard request.query.utf8.count <= limits.maxQueryBytes else {
            return Self.refuse(.contentTooLarge, "A query may be at most \(limits.maxQueryBytes / 1024) KiB.")
        }
        // Only queries that ran without an error are kept, so a hit is a query whichever method asks again.
        let key = Self.cacheKey(request, caller: context.caller)
        if let key, let kept = answers.kept(key) { return Self.answer(kept) }
        let stamp = answers.stamp()
        let document: Document
        do {
            document = try parse(source: Source(body: request.query, name: "GraphQL request"))
        } catch let error as GraphQLError {
            return Self.answer(GraphQLResult(errors: [error]), status: .badRequest)
        } catch {
            return Self.refuse(.badRequest, "The query could not be read.")
        }
        do throws(GraphQLLimits.Refusal) {
            try limits.check(document, variables: request.variables)
        } catch {
            return Self.refuse(.badRequest, error.message, code: "query-limit")
        }
        if !mutationsAllowed, Self.operation(in: document, named: request.operationName)?.operation == .mutation {
            var response = Self.refuse(.methodNotAllowed, "Mutations are sent by POST; GET only reads.")
            response.headers[.allow] = "POST"
            return response
        }
        let rules = specifiedRules + (introspection ? [] : [NoSchemaIntrospectionCustomRule])
        let problems = validate(schema: schema.schema, ast: document, rules: rules)
        guard problems.isEmpty else { return Self.answer(GraphQLResult(errors: problems), status: .badRequest) }
        let graphQLContext = GraphQLContext(caller: context.caller, network: context.clientNetwork)
        do {
            let result = try await execute(
                schema: schema.schema, documentAST: document, rootValue: resolver, context: graphQLContext, variableValues: request.variables,
                operationName: request.operationName)
            let told = told(result, logger: context.logger, requestID: context.id)
            if let key, told.errors.isEmpty, Self.operation(in: document, named: request.operationName)?.operation == .query,
                let body = try? GraphQLJSONEncoder().encode(told)
            {
                let answer = APIAnswerCache.Answer(body: ByteBuffer(bytes: body), etag: EntityTag.of(body))
                answers.keep(answer, as: key, stamp: stamp, personal: context.caller != nil)
                return Self.answer(answer)
            }
            return Self.answer(told, status: .ok)
        } catch let error as GraphQLError {
            // The operation could not start: an unknown operation name, variables that do not fit.
            return Self.answer(GraphQLResult(errors: [GraphQLError(message: error.message, locations: error.locations)]), status: .badRequest)
        } catch {
            context.logger.error("graphql failed: \(String(reflecting: error))", metadata: ["request_id": .string(context.id)])
            return Self.refuse(.internalServerError, "An unexpected error stopped this request. It has been logged with request id \(context.id).")
        }
    }

    /// The operation a request runs: the one named, or the only one.
    static func operation(in document: Document, named name: String?) -> OperationDefinition? {
        let operations = document.definitions.compactMap { $0 as? OperationDefinition }
        guard let name else { return operations.count == 1 ? operations[0] : nil }
        return operations.first { $0.name?.value == name }
    }

    /// The result as clients may see it: refusals from the services in their own words, with a stable `code`
    /// extension (the REST problem's type); GraphQL's own messages about the request; anything else only as an
    /// unexpected error with the request id, the error itself in the log.
    func told(_ result: GraphQLResult, logger: Logger, requestID: String) -> GraphQLResult {
        var told = result
        told.errors = result.errors.map { error in
            let located = (locations: error.locations, path: error.path)
            if let original = error.originalError {
                if let refusal = refusals.tell(original) {
                    return GraphQLError(
                        message: refusal.message, locations: located.locations, path: located.path, extensions: ["code": .string(refusal.kind.rawValue)])
                }
                if let problem = original as? APIProblem {
                    return GraphQLError(
                        message: problem.detail, locations: located.locations, path: located.path, extensions: ["code": .string(problem.kind.rawValue)])
                }
                logger.error("graphql field failed: \(String(reflecting: original))", metadata: ["request_id": .string(requestID)])
                return GraphQLError(
                    message: "An unexpected error stopped this field. It has been logged with request id \(requestID).", locations: located.locations,
                    path: located.path, extensions: ["code": "internal-error"])
            }
            // GraphQL's own words about the request (a variable of the wrong type, a null where none may be).
            if error.message.hasPrefix("Variable \"$") || error.message.hasPrefix("Cannot return null") || error.message.hasPrefix("Argument \"") {
                return GraphQLError(message: error.message, locations: located.locations, path: located.path)
            }
            logger.error("graphql error: \(error.message)", metadata: ["request_id": .string(requestID)])
            return GraphQLError(
                message: "An unexpected error stopped this field. It has been logged with request id \(requestID).", locations: located.locations,
                path: located.path, extensions: ["code": "internal-error"])
        }
        return told
    }

    /// The key of a request's answer: the caller (their results differ) and a digest of the request's text.
    static func cacheKey(_ request: GraphQLRequest, caller: APICaller?) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let variables = try? encoder.encode(request.variables) else { return nil }
        var text = Data(request.query.utf8)
        text.append(0)
        text.append(Data((request.operationName ?? "").utf8))
        text.append(0)
        text.append(variables)
        let who = caller.map { "\($0.user.id).\($0.scope.rawValue)" } ?? "-"
        return "graphql:\(who):\(Digest.sha256Hex(text))"
    }

    static func answer(_ kept: APIAnswerCache.Answer) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store", .vary: "Authorization, Cookie"],
            body: .init(byteBuffer: kept.body))
    }

    static func answer(_ result: GraphQLResult, status: HTTPResponse.Status) -> Response {
        let body = (try? GraphQLJSONEncoder().encode(result)) ?? Data(#"{"errors":[{"message":"The answer could not be written."}]}"#.utf8)
        return Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store", .vary: "Authorization, Cookie"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// A refusal of the request itself, in GraphQL's shape (`errors` with a message and a `code`).
    static func refuse(_ status: HTTPResponse.Status, _ message: String, code: String? = nil) -> Response {
        let kind = code ?? APIProblem(status: status, detail: nil).kind.rawValue
        return answer(GraphQLResult(errors: [GraphQLError(message: message, extensions: ["code": .string(kind)])]), status: status)
    }
}

extension UInt8 {
    fileprivate var isWhitespaceByte: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D }
}
