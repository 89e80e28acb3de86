public import InletJSON

/// A stream as `discover` describes it.
public struct AirbyteStream: AirbyteProtocolValue {
    public var name: String
    public var jsonSchema: JSONObject
    public var supportedSyncModes: [SyncMode]
    public var sourceDefinedCursor: Bool?
    public var defaultCursorField: [String]?
    /// Each key is a path into the record: `[["id"]]`, or `[["org", "id"], ["number"]]` for a composite key.
    public var sourceDefinedPrimaryKey: [[String]]?
    public var namespace: String?
    public var isResumable: Bool?
    public var isFileBased: Bool?
    public var additionalProperties: JSONObject

    public init(
        name: String,
        jsonSchema: JSONObject,
        supportedSyncModes: [SyncMode],
        sourceDefinedCursor: Bool? = nil,
        defaultCursorField: [String]? = nil,
        sourceDefinedPrimaryKey: [[String]]? = nil,
        namespace: String? = nil,
        isResumable: Bool? = nil,
        isFileBased: Bool? = nil,
        additionalProperties: JSONObject = [:]
    ) {
        self.name = name
        self.jsonSchema = jsonSchema
        self.supportedSyncModes = supportedSyncModes
        self.sourceDefinedCursor = sourceDefinedCursor
        self.defaultCursorField = defaultCursorField
        self.sourceDefinedPrimaryKey = sourceDefinedPrimaryKey
        self.namespace = namespace
        self.isResumable = isResumable
        self.isFileBased = isFileBased
        self.additionalProperties = additionalProperties
    }

    public var descriptor: StreamDescriptor { StreamDescriptor(name: name, namespace: namespace) }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        name = try reader.string("name")
        jsonSchema = try reader.object("json_schema")
        supportedSyncModes = try reader.array("supported_sync_modes")
        sourceDefinedCursor = try reader.optionalBool("source_defined_cursor")
        defaultCursorField = try reader.optionalArray("default_cursor_field")
        sourceDefinedPrimaryKey = try reader.optionalArray("source_defined_primary_key")
        namespace = try reader.optionalString("namespace")
        isResumable = try reader.optionalBool("is_resumable")
        isFileBased = try reader.optionalBool("is_file_based")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 9)
        builder.set("name", name)
        builder.set("json_schema", jsonSchema)
        builder.set("supported_sync_modes", supportedSyncModes)
        builder.set("source_defined_cursor", sourceDefinedCursor)
        builder.set("default_cursor_field", defaultCursorField)
        builder.set("source_defined_primary_key", sourceDefinedPrimaryKey)
        builder.set("namespace", namespace)
        builder.set("is_resumable", isResumable)
        builder.set("is_file_based", isFileBased)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}

/// The answer to `discover`.
public struct AirbyteCatalog: AirbyteProtocolValue {
    public var streams: [AirbyteStream]
    public var additionalProperties: JSONObject

    public init(streams: [AirbyteStream], additionalProperties: JSONObject = [:]) {
        self.streams = streams
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        streams = try reader.array("streams")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 1)
        builder.set("streams", streams)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}
