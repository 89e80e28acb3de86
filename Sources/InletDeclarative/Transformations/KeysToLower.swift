import InletJSON

/// Lower-cases every top-level key of a record.
public struct KeysToLower: ManifestComponent {
    public static let typeName = "KeysToLower"

    public init(from node: ManifestNode) throws(ManifestError) {}
}
