import InletJSON

/// Extracts records from a response, filters them, and normalises them against the schema.
public struct RecordSelector: ManifestComponent {
    public static let typeName = "RecordSelector"

    public let extractor: any ManifestComponent
    public let recordFilter: (any ManifestComponent)?
    public let schemaNormalization: SchemaNormalization?
    public let transformBeforeFiltering: Bool

    public init(from node: ManifestNode) throws(ManifestError) {
        extractor = try node.requiredComponent("extractor", among: [DpathExtractor.self])
        recordFilter = try node.component("record_filter", among: [RecordFilter.self])
        schemaNormalization = try SchemaNormalization.decode(node, key: "schema_normalization")
        transformBeforeFiltering = try node.bool("transform_before_filtering") ?? false
    }
}
