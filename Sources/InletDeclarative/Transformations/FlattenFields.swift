import InletJSON

/// Flattens nested objects and lists into top-level keys joined with dots.
public struct FlattenFields: ManifestComponent {
    public static let typeName = "FlattenFields"

    public let flattenLists: Bool

    public init(from node: ManifestNode) throws(ManifestError) {
        flattenLists = try node.bool("flatten_lists") ?? true
    }
}
