import Foundation
import LecternCore
import Yams

/// Reads `openapi.yaml` into the reference page's views, once at start: the contract is the one source of the
/// reference, so the page cannot drift from what the server promises. `$ref`s are followed; Markdown descriptions are
/// rendered by the site's own renderer (safe mode).
struct APIReference: Sendable {
    let title: String
    let version: String
    let introHTML: String
    let groups: [APIGroupView]

    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    init(yaml: String) throws {
        guard let document = try Yams.load(yaml: yaml) as? [String: Any], let info = document["info"] as? [String: Any],
            let paths = document["paths"] as? [String: Any]
        else { throw Unreadable(description: "openapi.yaml has no info or paths") }
        title = info["title"] as? String ?? "API"
        version = info["version"] as? String ?? ""
        introHTML = Self.markdown(info["description"] as? String ?? "")
        let tags = (document["tags"] as? [[String: Any]] ?? []).compactMap { tag in (tag["name"] as? String).map { ($0, tag["description"] as? String ?? "") } }
        var byTag: [String: [APIOperationView]] = [:]
        for path in paths.keys.sorted() {
            guard let item = paths[path] as? [String: Any] else { continue }
            for method in ["get", "put", "post", "patch", "delete"] {
                guard let operation = item[method] as? [String: Any] else { continue }
                let tag = (operation["tags"] as? [String])?.first ?? "other"
                byTag[tag, default: []].append(Self.operation(method, path, operation, item, in: document))
            }
        }
        groups = tags.compactMap { name, description in
            guard let operations = byTag[name] else { return nil }
            return APIGroupView(name: name.prefix(1).uppercased() + name.dropFirst(), anchor: "tag-\(name)", descriptionHTML: Self.markdown(description), operations: operations)
        }
    }

    private static func markdown(_ text: String) -> String {
        MarkdownRenderer.render(text).html
    }

    /// The object a `$ref` names (only local references: `#/components/...`), or the object itself.
    private static func resolve(_ value: Any?, in document: [String: Any]) -> [String: Any]? {
        guard let object = value as? [String: Any] else { return nil }
        guard let reference = object["$ref"] as? String, reference.hasPrefix("#/") else { return object }
        var node: Any? = document
        for part in reference.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] }
        return resolve(node, in: document)
    }

    private static func operation(_ method: String, _ path: String, _ operation: [String: Any], _ item: [String: Any], in document: [String: Any])
        -> APIOperationView
    {
        let id = operation["operationId"] as? String ?? "\(method)-\(path)"
        let parameters = ((item["parameters"] as? [Any] ?? []) + (operation["parameters"] as? [Any] ?? [])).compactMap { resolve($0, in: document) }.map {
            parameter in
            let schema = resolve(parameter["schema"], in: document) ?? [:]
            return APIFieldView(
                name: parameter["name"] as? String ?? "", location: parameter["in"] as? String ?? "", type: typeName(schema, in: document),
                required: parameter["required"] as? Bool ?? false, rules: rules(schema),
                descriptionHTML: (parameter["description"] as? String ?? schema["description"] as? String).map(markdown))
        }
        var bodyFields: [APIFieldView] = []
        if let body = resolve(operation["requestBody"], in: document), let content = body["content"] as? [String: Any],
            let json = content["application/json"] as? [String: Any], let schema = resolve(json["schema"], in: document)
        {
            let required = Set(schema["required"] as? [String] ?? [])
            let properties = schema["properties"] as? [String: Any] ?? [:]
            bodyFields = properties.keys.sorted().map { name in
                let property = resolve(properties[name], in: document) ?? [:]
                return APIFieldView(
                    name: name, location: "body", type: typeName(property, in: document), required: required.contains(name), rules: rules(property),
                    descriptionHTML: (property["description"] as? String).map(markdown))
            }
        }
        let responses = (operation["responses"] as? [String: Any] ?? [:]).keys.sorted().map { status in
            let response = resolve((operation["responses"] as? [String: Any])?[status], in: document) ?? [:]
            return APIResponseView(
                status: status, isError: !(status.hasPrefix("2") || status.hasPrefix("3")), descriptionHTML: markdown(response["description"] as? String ?? ""),
                problemTypes: nil)
        }
        let description = operation["description"] as? String
        return APIOperationView(
            anchor: id, method: method.uppercased(), path: path, shortPath: path.hasPrefix("/api/v1/") ? String(path.dropFirst(7)) : path, summary: operation["summary"] as? String ?? "",
            descriptionHTML: description.map(markdown), access: access(operation, in: document), parameters: parameters,
            hasParameters: !parameters.isEmpty, bodyFields: bodyFields, hasBody: !bodyFields.isEmpty, responses: responses)
    }

    /// Who may call: the scope named by `x-scope`, and whether anyone may (an empty security requirement).
    private static func access(_ operation: [String: Any], in document: [String: Any]) -> String {
        let security = (operation["security"] ?? document["security"]) as? [[String: Any]] ?? []
        let anyone = security.contains { $0.isEmpty }
        switch operation["x-scope"] as? String {
        case "admin"?: return "An administrator: a token with the admin scope, or an administrator's session."
        case "learn"?: return "A learner: a token with the learn scope (or admin), or the signed-in session with X-CSRF-Token."
        case "read"?: return anyone ? "Anyone; a caller also sees their own part." : "A caller: any token, or the signed-in session."
        default: return anyone ? "Anyone; a token, if sent, must be valid." : "A caller: any token, or the signed-in session."
        }
    }

    /// The schema's type as a reader says it: `string (date-time)`, `integer`, `array of string`, `open | closed`.
    private static func typeName(_ schema: [String: Any], in document: [String: Any]) -> String {
        if let values = schema["enum"] as? [Any] { return values.map { "\($0)" }.joined(separator: " | ") }
        if let choices = schema["oneOf"] as? [Any] ?? schema["anyOf"] as? [Any] {
            return choices.compactMap { resolve($0, in: document) }.map { typeName($0, in: document) }.joined(separator: " or ")
        }
        var names: [String]
        if let many = schema["type"] as? [String] { names = many } else if let one = schema["type"] as? String { names = [one] } else { names = ["any"] }
        names = names.map { name in
            switch name {
            case "array": "array of " + typeName(resolve(schema["items"], in: document) ?? [:], in: document)
            case "object":
                if let values = resolve(schema["additionalProperties"], in: document) { "object of " + typeName(values, in: document) } else { "object" }
            default: (schema["format"] as? String).map { "\(name) (\($0))" } ?? name
            }
        }
        return names.joined(separator: " or ")
    }

    /// The schema's constraints, in words.
    private static func rules(_ schema: [String: Any]) -> String? {
        var rules: [String] = []
        if let minimum = schema["minimum"], let maximum = schema["maximum"] {
            rules.append("\(minimum) to \(maximum)")
        } else if let minimum = schema["minimum"] {
            rules.append("at least \(minimum)")
        } else if let maximum = schema["maximum"] {
            rules.append("at most \(maximum)")
        }
        if let minimum = schema["minLength"] as? Int, minimum > 0 { rules.append("at least \(Counted.text(minimum, "character"))") }
        if let maximum = schema["maxLength"] as? Int { rules.append("at most \(Counted.text(maximum, "character"))") }
        if let maximum = schema["maxItems"] as? Int { rules.append("at most \(maximum) items") }
        if let maximum = schema["maxProperties"] as? Int { rules.append("at most \(maximum) entries") }
        if let pattern = schema["pattern"] as? String { rules.append("matches \(pattern)") }
        if let value = schema["default"] { rules.append("default \(value)") }
        return rules.isEmpty ? nil : rules.joined(separator: "; ")
    }
}
