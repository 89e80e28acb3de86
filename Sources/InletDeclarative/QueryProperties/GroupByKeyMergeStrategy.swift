/// Records of the property chunks that have the same values at `key` are one record.
public struct GroupByKeyMergeStrategy: ManifestComponent {
    public static let typeName = "GroupByKeyMergeStrategy"

    public let keys: [String]

    public init(from node: ManifestNode) throws(ManifestError) {
        guard let keys = try node.stringList("key"), !keys.isEmpty else { throw node.error("the required field 'key' is missing") }
        self.keys = keys
    }
}
