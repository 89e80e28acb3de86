import InletJSON

/// The response body holds one JSON document per line.
public struct JsonlDecoder: DecoderComponent {
    public static let typeName = "JsonlDecoder"

    public init(from node: ManifestNode) throws(ManifestError) {}
}
