import InletJSON

/// Resolves references as the CDK's `ManifestReferenceResolver` does: a `$ref` member is replaced
/// by what it points to, shallow-merged with its siblings (siblings win); any string starting with
/// `#/` is itself a reference; a path is tried whole as a key at each level before descending; integer
/// segments index lists; a cycle is an error naming the chain.
struct ReferenceResolver {
    let manifest: JSONValue
    let sources: SourceTree
    let file: String?
    /// What each reference resolved to: the result does not depend on where it is used.
    private var resolvedReferences: [String: (JSONValue, SourceTree?)] = [:]

    init(manifest: JSONValue, sources: SourceTree, file: String?) {
        self.manifest = manifest
        self.sources = sources
        self.file = file
    }

    /// Members whose values are copied without resolving references inside them.
    private static let fieldsHoldingConfigValues: Set<String> = ["config_overrides"]

    mutating func resolve() throws(ManifestError) -> YAMLLoader.Loaded {
        var chain: [String] = []
        let (value, tree) = try evaluate(manifest, sources, path: .root, chain: &chain)
        return YAMLLoader.Loaded(value: value, sources: tree ?? sources)
    }

    private func error(_ message: String, _ path: ManifestPath, _ tree: SourceTree?) -> ManifestError {
        ManifestError(message, path: path, location: tree?.location, file: file)
    }

    private mutating func evaluate(_ node: JSONValue, _ tree: SourceTree?, path: ManifestPath, chain: inout [String]) throws(ManifestError) -> (JSONValue, SourceTree?) {
        switch node {
        case .object(let object):
            var evaluated = JSONObject(minimumCapacity: object.count)
            var evaluatedSources: [String: SourceTree] = [:]
            for (key, value) in object where key != "$ref" {
                let memberTree = tree?.member(key)
                if Self.fieldsHoldingConfigValues.contains(key) {
                    evaluated[key] = value
                    if let memberTree { evaluatedSources[key] = memberTree }
                    continue
                }
                let (result, resultTree) = try evaluate(value, memberTree, path: path.appending(key), chain: &chain)
                evaluated[key] = result
                if let resultTree { evaluatedSources[key] = resultTree }
            }
            guard let reference = object["$ref"] else {
                return (.object(evaluated), tree?.with(members: evaluatedSources))
            }
            let (target, targetTree) = try evaluate(reference, tree?.member("$ref"), path: path.appending("$ref"), chain: &chain)
            guard case .object(var merged) = target else { return (target, targetTree) }
            // `ref | siblings`: the reference's members, then the siblings, which replace same-named ones.
            var mergedSources = targetTree?.members ?? [:]
            for (key, value) in evaluated {
                merged[key] = value
                if let source = evaluatedSources[key] { mergedSources[key] = source }
            }
            return (.object(merged), (tree ?? targetTree)?.with(members: mergedSources))
        case .array(let elements):
            var results: [JSONValue] = []
            var resultTrees: [SourceTree] = []
            results.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                let elementTree = tree?.element(index)
                let (result, resultTree) = try evaluate(element, elementTree, path: path.appending(index: index), chain: &chain)
                results.append(result)
                resultTrees.append(resultTree ?? elementTree ?? tree ?? sources)
            }
            return (.array(results), tree?.with(elements: resultTrees))
        case .string(let reference) where reference.hasPrefix("#/"):
            if let resolved = resolvedReferences[reference] { return resolved }
            if chain.contains(reference) {
                throw error("circular reference: \((chain + [reference]).joined(separator: " -> "))", path, tree)
            }
            guard let (target, targetTree) = lookUp(String(reference.dropFirst(2))) else {
                throw error("undefined reference \(reference): nothing at that path in the manifest", path, tree)
            }
            chain.append(reference)
            defer { chain.removeLast() }
            let resolved = try evaluate(target, targetTree, path: path, chain: &chain)
            resolvedReferences[reference] = resolved
            return resolved
        default:
            return (node, tree)
        }
    }

    /// The CDK's `_read_ref_value`: at each level, the whole remaining path as a key first, then the
    /// first segment (an integer indexes a list).
    private func lookUp(_ referencePath: String) -> (JSONValue, SourceTree?)? {
        var node = manifest
        var tree: SourceTree? = sources
        var remaining = referencePath
        while !remaining.isEmpty {
            if case .object(let object) = node, let value = object[remaining] {
                return (value, tree?.member(remaining))
            }
            let head: Substring
            if let slash = remaining.firstIndex(of: "/") {
                head = remaining[..<slash]
                remaining = String(remaining[remaining.index(after: slash)...])
            } else {
                head = Substring(remaining)
                remaining = ""
            }
            switch node {
            case .object(let object):
                guard let value = object[String(head)] else { return nil }
                node = value
                tree = tree?.member(String(head))
            case .array(let elements):
                guard let index = Int(head), elements.indices.contains(index) else { return nil }
                node = elements[index]
                tree = tree?.element(index)
            default:
                return nil
            }
        }
        return (node, tree)
    }
}
