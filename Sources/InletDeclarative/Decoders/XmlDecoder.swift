import InletJSON

/// The response body is XML, turned into nested mappings as `xmltodict` does.
public struct XmlDecoder: DecoderComponent {
    public static let typeName = "XmlDecoder"

    public init(from node: ManifestNode) throws(ManifestError) {}
}
