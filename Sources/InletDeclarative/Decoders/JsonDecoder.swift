import InletJSON

/// The response body is one JSON document (the default).
public struct JsonDecoder: DecoderComponent {
    public static let typeName = "JsonDecoder"

    public init(from node: ManifestNode) throws(ManifestError) {}
}
