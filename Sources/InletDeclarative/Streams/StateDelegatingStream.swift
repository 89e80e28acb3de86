import InletJSON

/// A stream read one way on its first sync (`full_refresh_stream`) and another once it has state
/// (`incremental_stream`).
public struct StateDelegatingStream: ManifestComponent {
    public static let typeName = "StateDelegatingStream"

    public let name: String
    public let fullRefreshStream: DeclarativeStream
    public let incrementalStream: DeclarativeStream
    public let apiRetentionPeriod: String?

    public init(from node: ManifestNode) throws(ManifestError) {
        name = try node.requiredString("name")
        guard let fullRefresh = try node.component("full_refresh_stream", as: DeclarativeStream.self) else {
            throw node.error("the required field 'full_refresh_stream' is missing")
        }
        fullRefreshStream = fullRefresh
        guard let incremental = try node.component("incremental_stream", as: DeclarativeStream.self) else {
            throw node.error("the required field 'incremental_stream' is missing")
        }
        incrementalStream = incremental
        apiRetentionPeriod = try node.string("api_retention_period")
    }
}
