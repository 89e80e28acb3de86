public import InletJSON

/// The stream's JSON schema, written in the manifest.
public struct InlineSchemaLoader: ManifestComponent {
    public static let typeName = "InlineSchemaLoader"

    public let schema: JSONObject

    public init(from node: ManifestNode) throws(ManifestError) {
        schema = try node.object("schema") ?? [:]
    }
}
