import InletJSON

/// Turns a legacy `{partition_value: {cursor: …}}` state into the per-partition format.
public struct LegacyToPerPartitionStateMigration: ManifestComponent {
    public static let typeName = "LegacyToPerPartitionStateMigration"

    public init(from node: ManifestNode) throws(ManifestError) {}
}
