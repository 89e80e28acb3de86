public import InletJSON

/// A stream selected for a sync, with how to read it and how to write it.
public struct ConfiguredAirbyteStream: AirbyteProtocolValue {
    public var stream: AirbyteStream
    public var syncMode: SyncMode
    public var destinationSyncMode: DestinationSyncMode
    public var cursorField: [String]?
    public var destinationObjectName: String?
    public var primaryKey: [[String]]?
    /// Generations let a destination tell a refresh's records from older ones.
    public var generationID: Int64?
    public var minimumGenerationID: Int64?
    public var syncID: Int64?
    public var includeFiles: Bool?
    public var additionalProperties: JSONObject

    public init(
        stream: AirbyteStream,
        syncMode: SyncMode,
        destinationSyncMode: DestinationSyncMode,
        cursorField: [String]? = nil,
        destinationObjectName: String? = nil,
        primaryKey: [[String]]? = nil,
        generationID: Int64? = nil,
        minimumGenerationID: Int64? = nil,
        syncID: Int64? = nil,
        includeFiles: Bool? = nil,
        additionalProperties: JSONObject = [:]
    ) {
        self.stream = stream
        self.syncMode = syncMode
        self.destinationSyncMode = destinationSyncMode
        self.cursorField = cursorField
        self.destinationObjectName = destinationObjectName
        self.primaryKey = primaryKey
        self.generationID = generationID
        self.minimumGenerationID = minimumGenerationID
        self.syncID = syncID
        self.includeFiles = includeFiles
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        stream = try reader.required("stream")
        syncMode = try reader.required("sync_mode")
        destinationSyncMode = try reader.required("destination_sync_mode")
        cursorField = try reader.optionalArray("cursor_field")
        destinationObjectName = try reader.optionalString("destination_object_name")
        primaryKey = try reader.optionalArray("primary_key")
        generationID = try reader.optionalInt64("generation_id")
        minimumGenerationID = try reader.optionalInt64("minimum_generation_id")
        syncID = try reader.optionalInt64("sync_id")
        includeFiles = try reader.optionalBool("include_files")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 10)
        builder.set("stream", stream)
        builder.set("sync_mode", syncMode)
        builder.set("destination_sync_mode", destinationSyncMode)
        builder.set("cursor_field", cursorField)
        builder.set("destination_object_name", destinationObjectName)
        builder.set("primary_key", primaryKey)
        builder.set("generation_id", generationID)
        builder.set("minimum_generation_id", minimumGenerationID)
        builder.set("sync_id", syncID)
        builder.set("include_files", includeFiles)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}

/// The streams a `read` should sync: the `--catalog` argument.
public struct ConfiguredAirbyteCatalog: AirbyteProtocolValue {
    public var streams: [ConfiguredAirbyteStream]
    public var additionalProperties: JSONObject

    public init(streams: [ConfiguredAirbyteStream], additionalProperties: JSONObject = [:]) {
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

    /// The configured stream for `descriptor`, if it was selected.
    public func stream(for descriptor: StreamDescriptor) -> ConfiguredAirbyteStream? {
        streams.first { $0.stream.descriptor.names(sameStreamAs: descriptor) }
    }
}
