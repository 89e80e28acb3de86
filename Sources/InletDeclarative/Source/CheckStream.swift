public import InletJSON

/// `check` reads the first record of each named stream; the connection works when all succeed.
public struct CheckStream: ManifestComponent {
    public static let typeName = "CheckStream"

    public let streamNames: [String]
    public let dynamicStreamsCheckConfigs: [JSONValue]

    public init(from node: ManifestNode) throws(ManifestError) {
        streamNames = try node.stringList("stream_names") ?? []
        dynamicStreamsCheckConfigs = node.value["dynamic_streams_check_configs"]?.arrayValue ?? []
    }
}
