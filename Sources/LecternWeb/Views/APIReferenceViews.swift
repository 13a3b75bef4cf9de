/// The API reference at `/api/docs`, rendered on the server from `openapi.yaml`.
struct APIReferencePageView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var title: String
    var version: String
    var introHTML: String
    var groups: [APIGroupView]
    var operationCount: Int
}

/// One tag of the contract and its operations.
struct APIGroupView: Sendable {
    var name: String
    var anchor: String
    var descriptionHTML: String
    var operations: [APIOperationView]
}

/// One operation: how to call it, who may, what it takes and what comes back.
struct APIOperationView: Sendable {
    var anchor: String
    var method: String
    var path: String
    /// The path without `/api/v1`, for the list of operations.
    var shortPath: String
    var summary: String
    var descriptionHTML: String?
    var access: String
    var parameters: [APIFieldView]
    var hasParameters: Bool
    var bodyFields: [APIFieldView]
    var hasBody: Bool
    var responses: [APIResponseView]
}

/// A parameter or a property of a request body.
struct APIFieldView: Sendable {
    var name: String
    var location: String
    var type: String
    var required: Bool
    var rules: String?
    var descriptionHTML: String?
}

/// One status an operation answers with, and what it means.
struct APIResponseView: Sendable {
    var status: String
    var isError: Bool
    var descriptionHTML: String
    var problemTypes: String?
}
