public import InletJSON

/// The whole manifest: its streams, how `check` works, its spec, and source-wide settings.
public struct DeclarativeSource: ManifestComponent {
    public static let typeName = "DeclarativeSource"

    public let version: String?
    public let check: (any ManifestComponent)?
    /// `DeclarativeStream`s and `StateDelegatingStream`s.
    public let streams: [any ManifestComponent]
    /// Streams generated at run time from the config or an API; kept as written.
    public let dynamicStreams: [JSONValue]
    public let spec: Spec?
    public let concurrencyLevel: ConcurrencyLevel?
    public let apiBudget: HTTPAPIBudget?
    public let schemas: JSONObject?

    public init(from node: ManifestNode) throws(ManifestError) {
        version = try node.string("version")
        check = try node.component("check", among: [CheckStream.self])
        guard node.member("streams") != nil || node.member("dynamic_streams") != nil else {
            throw node.error("the manifest has neither 'streams' nor 'dynamic_streams'")
        }
        streams = try node.components("streams", among: [DeclarativeStream.self, StateDelegatingStream.self]) ?? []
        dynamicStreams = node.value["dynamic_streams"]?.arrayValue ?? []
        spec = try node.component("spec", as: Spec.self)
        concurrencyLevel = try node.component("concurrency_level", as: ConcurrencyLevel.self)
        apiBudget = try node.component("api_budget", as: HTTPAPIBudget.self)
        schemas = try node.object("schemas")
    }
}
