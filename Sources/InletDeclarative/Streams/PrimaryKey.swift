import InletJSON

/// A stream's primary key in the manifest's forms: `id`, `[id, org]` (a composite key of top-level
/// fields) or `[[org, id], [number]]` (paths).
public enum PrimaryKey {
    /// As the protocol writes it: a list of key paths.
    static func decode(_ node: ManifestNode, key: String) throws(ManifestError) -> [[String]]? {
        guard let value = node.value[key], !value.isNull else { return nil }
        switch value {
        case .string(let field): return field.isEmpty ? [] : [[field]]
        case .array(let parts):
            var paths: [[String]] = []
            for part in parts {
                switch part {
                case .string(let field): paths.append([field])
                case .array(let path): paths.append(path.map { $0.stringValue ?? $0.description })
                default: throw node.mismatch(key, expected: "a field name or a list of them", found: value)
                }
            }
            return paths
        default:
            throw node.mismatch(key, expected: "a field name or a list of them", found: value)
        }
    }
}
