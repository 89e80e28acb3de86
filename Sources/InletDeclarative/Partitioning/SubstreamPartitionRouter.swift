import InletJSON

/// One partition per record of one or more parent streams.
public struct SubstreamPartitionRouter: ManifestComponent {
    public static let typeName = "SubstreamPartitionRouter"

    public let parentStreamConfigs: [ParentStreamConfig]

    public init(from node: ManifestNode) throws(ManifestError) {
        var configs: [ParentStreamConfig] = []
        for element in try node.required("parent_stream_configs").elements() {
            configs.append(try element.decode(as: ParentStreamConfig.self))
        }
        parentStreamConfigs = configs
    }
}
