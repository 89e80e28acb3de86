import InletJSON

/// Groups the partitions of another router into batches of `group_size`.
public struct GroupingPartitionRouter: ManifestComponent {
    public static let typeName = "GroupingPartitionRouter"

    public let groupSize: Int
    public let underlyingPartitionRouter: any ManifestComponent
    public let deduplicate: Bool

    public init(from node: ManifestNode) throws(ManifestError) {
        guard let size = try node.integer("group_size"), size > 0 else { throw node.error("'group_size' must be a positive integer") }
        groupSize = size
        underlyingPartitionRouter = try node.requiredComponent("underlying_partition_router", among: [
            SubstreamPartitionRouter.self, ListPartitionRouter.self,
        ])
        deduplicate = try node.bool("deduplicate") ?? true
    }
}
