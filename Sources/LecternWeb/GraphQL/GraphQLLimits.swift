import GraphQL

/// What one GraphQL request may ask for, checked on the parsed document before it is validated or run: nothing an
/// anonymous client sends can make the server do unbounded work. GraphQL 4.3 has none of these built in.
struct GraphQLLimits: Sendable {
    /// The query text, in bytes (the HTTP body is capped a little above).
    var maxQueryBytes = 16 * 1024
    /// Nested fields; fragments and inline fragments add none, and are followed. The data schema is at most four deep;
    /// the standard introspection query needs 13.
    var maxDepth = 15
    /// Every field costs 1, times the size of each list it sits in (`first` when given, else the estimate below).
    var maxCost = 50_000
    var maxAliases = 15
    /// Operations in one document (one of them runs, chosen by `operationName`).
    var maxOperations = 3

    /// Estimated sizes of list fields, for the cost. Lists of scalars cost nothing more than their field.
    static let listSizes: [String: Int] = [
        "posts": 10, "courses": 20, "lessons": 50, "tags": 5, "enrolments": 20,
        // Introspection: ample for this schema, and what keeps introspection's cycles (type → fields → type) bounded.
        "types": 25, "fields": 10, "args": 3, "inputFields": 3, "enumValues": 3, "interfaces": 1, "possibleTypes": 1, "directives": 5,
    ]
    static let maxFirst = 50

    /// Why a document was refused: a message for the client, no internals.
    struct Refusal: Error, Sendable {
        var message: String
    }

    /// Checks `document` (with the request's `variables`, for `first: $n`).
    func check(_ document: Document, variables: [String: Map]) throws(Refusal) {
        let operations = document.definitions.compactMap { $0 as? OperationDefinition }
        guard operations.count <= maxOperations else {
            throw Refusal(message: "A request may hold at most \(maxOperations) operations; this one has \(operations.count).")
        }
        var walker = Walker(limits: self, variables: variables)
        for case let fragment as FragmentDefinition in document.definitions { walker.fragments[fragment.name.value] = fragment }
        for operation in operations {
            for definition in operation.variableDefinitions {
                if let value = definition.defaultValue as? IntValue, let number = Int(value.value) {
                    walker.defaults[definition.variable.name.value] = max(number, walker.defaults[definition.variable.name.value] ?? number)
                }
            }
        }
        for definition in document.definitions {
            if let operation = definition as? OperationDefinition { try walker.countAliases(operation.selectionSet) }
            if let fragment = definition as? FragmentDefinition { try walker.countAliases(fragment.selectionSet) }
        }
        for operation in operations { _ = try walker.measure(operation.selectionSet, depth: 0, through: []) }
        // After the cost, which bounds how many fields this walk can meet.
        for operation in operations { try walker.checkMerging([operation.selectionSet]) }
    }

    private struct Walker {
        let limits: GraphQLLimits
        let variables: [String: Map]
        var fragments: [String: FragmentDefinition] = [:]
        var aliases = 0
        /// Variables' default values, for `first: $n` when the request sends no `n`.
        var defaults: [String: Int] = [:]
        private var printedArguments: [Int: [String]] = [:]

        init(limits: GraphQLLimits, variables: [String: Map]) {
            self.limits = limits
            self.variables = variables
        }

        mutating func countAliases(_ set: SelectionSet) throws(Refusal) {
            for selection in set.selections {
                if let field = selection as? GraphQL.Field {
                    if field.alias != nil { aliases += 1 }
                    if aliases > limits.maxAliases { throw Refusal(message: "A query may use at most \(limits.maxAliases) aliases.") }
                    if let inner = field.selectionSet { try countAliases(inner) }
                } else if let inline = selection as? InlineFragment {
                    try countAliases(inline.selectionSet)
                }
            }
        }

        /// The cost of `set` at `depth`; `through` names the fragments on the way here (a cycle is refused here:
        /// validation, which would also say so, runs after these limits).
        func measure(_ set: SelectionSet, depth: Int, through: Set<String>) throws(Refusal) -> Int {
            var total = 0
            for selection in set.selections {
                switch selection {
                case let field as GraphQL.Field:
                    guard depth + 1 <= limits.maxDepth else { throw Refusal(message: "This query is nested more than \(limits.maxDepth) fields deep.") }
                    var cost = 1
                    if let inner = field.selectionSet {
                        let size = GraphQLLimits.listSizes[field.name.value].map { listSize(field, estimate: $0) } ?? 1
                        cost += size * (try measure(inner, depth: depth + 1, through: through))
                    }
                    total += cost
                case let inline as InlineFragment:
                    total += try measure(inline.selectionSet, depth: depth, through: through)
                case let spread as FragmentSpread:
                    let name = spread.name.value
                    guard !through.contains(name) else { throw Refusal(message: "Fragment \(name.prefix(60)) spreads itself.") }
                    guard let fragment = fragments[name] else { continue }  // unknown: validation says so
                    total += try measure(fragment.selectionSet, depth: depth, through: through.union([name]))
                default: break
                }
                // Every field costs at least 1, so a part over the budget means the whole is: stop walking at once.
                if total > limits.maxCost {
                    throw Refusal(message: "This query asks for too much at once (its cost is over \(limits.maxCost)); ask for fewer fields or items.")
                }
            }
            return total
        }

        /// Fields with one response name at one level (through fragments too) must be the same field with the same
        /// arguments: they run once, with the first one's arguments and their selections merged, so any other pair would
        /// cost more than was counted. This is the spec's field-merging rule, which GraphQL 4.3 leaves out. The work is
        /// bounded like the cost: each selection set, fragment and field is taken once per level, and each field's
        /// arguments are printed once.
        mutating func checkMerging(_ sets: [SelectionSet]) throws(Refusal) {
            var byKey: [String: [GraphQL.Field]] = [:]
            var order: [String] = []
            var seenFields = Set<Int>()
            var seenSets = Set<ObjectIdentifier>()
            var seenFragments = Set<String>()
            for set in sets {
                collect(set, into: &byKey, order: &order, seenFields: &seenFields, seenSets: &seenSets, seenFragments: &seenFragments)
            }
            for key in order {
                let fields = byKey[key] ?? []
                let first = fields[0]
                if fields.count > 1 {
                    let firstArguments = arguments(first)
                    for other in fields.dropFirst() where other.name.value != first.name.value || arguments(other) != firstArguments {
                        throw Refusal(
                            message:
                                "Fields “\(key.prefix(60))” conflict: one response name is asked for with different fields or arguments. Give them different aliases."
                        )
                    }
                }
                let inner = fields.compactMap(\.selectionSet)
                if !inner.isEmpty { try checkMerging(inner) }
            }
        }

        private func collect(
            _ set: SelectionSet, into byKey: inout [String: [GraphQL.Field]], order: inout [String], seenFields: inout Set<Int>,
            seenSets: inout Set<ObjectIdentifier>, seenFragments: inout Set<String>
        ) {
            guard seenSets.insert(ObjectIdentifier(set)).inserted else { return }
            for selection in set.selections {
                switch selection {
                case let field as GraphQL.Field:
                    // The same field reached twice (a fragment spread again) is one field.
                    if let start = field.loc?.start, !seenFields.insert(start).inserted { continue }
                    let key = field.alias?.value ?? field.name.value
                    if byKey[key] == nil { order.append(key) }
                    byKey[key, default: []].append(field)
                case let inline as InlineFragment:
                    collect(inline.selectionSet, into: &byKey, order: &order, seenFields: &seenFields, seenSets: &seenSets, seenFragments: &seenFragments)
                case let spread as FragmentSpread:
                    let name = spread.name.value
                    guard seenFragments.insert(name).inserted, let fragment = fragments[name] else { continue }
                    collect(fragment.selectionSet, into: &byKey, order: &order, seenFields: &seenFields, seenSets: &seenSets, seenFragments: &seenFragments)
                default: break
                }
            }
        }

        /// A field's arguments as text, printed once per field of the document.
        private mutating func arguments(_ field: GraphQL.Field) -> [String] {
            if let start = field.loc?.start, let known = printedArguments[start] { return known }
            let printed = field.arguments.map { "\($0.name.value): \(print(ast: $0.value))" }.sorted()
            if let start = field.loc?.start { printedArguments[start] = printed }
            return printed
        }

        private func listSize(_ field: GraphQL.Field, estimate: Int) -> Int {
            for argument in field.arguments where argument.name.value == "first" {
                var asked: Int?
                if let value = argument.value as? IntValue { asked = Int(value.value) }
                if let variable = argument.value as? Variable { asked = variables[variable.name.value]?.int ?? defaults[variable.name.value] }
                if let asked { return min(max(asked, 1), GraphQLLimits.maxFirst) }
            }
            return estimate
        }
    }
}
