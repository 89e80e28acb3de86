import InletJSON

/// Turns every top-level key of a record into snake_case, as the CDK's `KeysToSnakeCase` does.
public struct KeysToSnakeCase: ManifestComponent {
    public static let typeName = "KeysToSnakeCase"

    public init(from node: ManifestNode) throws(ManifestError) {}
}
