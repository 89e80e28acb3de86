import InletJSON

public import InletInterpolation

/// Finds the records in a decoded response along `field_path` (each part a template, `*` matching
/// every element or member); an empty path means the whole response.
public struct DpathExtractor: ManifestComponent {
    public static let typeName = "DpathExtractor"

    public let fieldPath: [InterpolatedString]
    public let decoder: (any ManifestComponent)?

    /// The extractor the CDK uses when a manifest names none: the whole response.
    static var wholeResponse: DpathExtractor { DpathExtractor(fieldPath: [], decoder: nil) }

    private init(fieldPath: [InterpolatedString], decoder: (any ManifestComponent)?) {
        self.fieldPath = fieldPath
        self.decoder = decoder
    }

    public init(from node: ManifestNode) throws(ManifestError) {
        let parts = try node.stringList("field_path") ?? []
        var compiled: [InterpolatedString] = []
        for part in parts {
            do {
                compiled.append(try InterpolatedString(part, parameters: node.parameters, cache: node.context.templates))
            } catch {
                throw node.error("invalid template in field_path: \(error)")
            }
        }
        fieldPath = compiled
        decoder = try node.component("decoder", among: DecoderTypes.all)
    }
}
