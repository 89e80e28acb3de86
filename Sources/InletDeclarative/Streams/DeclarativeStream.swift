import InletJSON

/// A stream: its name, how it is read, its schema, its incremental cursor and its transformations.
public struct DeclarativeStream: ManifestComponent {
    public static let typeName = "DeclarativeStream"

    public let name: String
    public let retriever: any ManifestComponent
    public let incrementalSync: (any ManifestComponent)?
    public let primaryKey: [[String]]?
    public let schemaLoaders: [any ManifestComponent]
    public let transformations: [any ManifestComponent]
    public let stateMigrations: [any ManifestComponent]
    public let path: ManifestPath
    public let location: SourceLocation?

    public init(from node: ManifestNode) throws(ManifestError) {
        name = try node.string("name") ?? ""
        retriever = try node.requiredComponent("retriever", among: [SimpleRetriever.self, AsyncRetriever.self])
        incrementalSync = try node.component("incremental_sync", among: [DatetimeBasedCursor.self, IncrementingCountCursor.self])
        primaryKey = try PrimaryKey.decode(node, key: "primary_key")
        let loaderTypes: [any ManifestComponent.Type] = [InlineSchemaLoader.self, JsonFileSchemaLoader.self, DynamicSchemaLoader.self]
        if let loaders = node.member("schema_loader") {
            if case .array = loaders.value {
                schemaLoaders = try node.components("schema_loader", among: loaderTypes) ?? []
            } else {
                schemaLoaders = [try loaders.decodeComponent(among: loaderTypes)]
            }
        } else {
            schemaLoaders = []
        }
        transformations = try node.components("transformations", among: TransformationTypes.all) ?? []
        stateMigrations = try node.components("state_migrations", among: [LegacyToPerPartitionStateMigration.self]) ?? []
        path = node.path
        location = node.location
    }
}

extension DeclarativeStream {
    /// A retriever that is no stream's own (a components resolver's, a schema loader's, a property
    /// list's) as a stream of its own, so it is read as streams are. `propagating`: the retriever comes
    /// from a manifest node whose types and parameters have not been filled in yet.
    static func reading(retriever: JSONValue, named name: String, path: ManifestPath, context: ManifestContext,
                        propagating: Bool = false) throws(ManifestError) -> DeclarativeStream {
        let stream: JSONObject = ["type": "DeclarativeStream", "name": .string(name), "retriever": retriever,
                                  "schema_loader": ["type": "InlineSchemaLoader", "schema": [:]]]
        let node = ManifestNode(value: .object(propagating ? ComponentTransformer.propagated(stream) : stream), path: path,
                                sources: nil, context: context)
        return try node.decode(as: DeclarativeStream.self)
    }
}
