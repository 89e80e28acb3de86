import InletJSON

/// The response body is gzip-compressed; `decoder` reads what is inside.
public struct GzipDecoder: DecoderComponent {
    public static let typeName = "GzipDecoder"

    public let decoder: (any ManifestComponent)?

    public init(from node: ManifestNode) throws(ManifestError) {
        decoder = try node.component("decoder", among: DecoderTypes.all)
    }
}
