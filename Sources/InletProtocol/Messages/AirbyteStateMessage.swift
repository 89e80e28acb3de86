public import InletJSON

/// A checkpoint: per stream (`STREAM`), for all streams at once (`GLOBAL`), or an opaque blob (`LEGACY`).
public struct AirbyteStateMessage: AirbyteProtocolValue {
    public struct StateType: AirbyteProtocolEnum {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static var stream: StateType { StateType(rawValue: "STREAM") }
        public static var global: StateType { StateType(rawValue: "GLOBAL") }
        public static var legacy: StateType { StateType(rawValue: "LEGACY") }
    }

    /// Absent in very old connectors, which then mean `LEGACY`.
    public var type: StateType?
    public var stream: AirbyteStreamState?
    public var global: AirbyteGlobalState?
    /// The `LEGACY` state blob.
    public var data: JSONValue?
    public var sourceStats: AirbyteStateStats?
    public var destinationStats: AirbyteStateStats?
    public var additionalProperties: JSONObject

    public init(
        type: StateType? = nil,
        stream: AirbyteStreamState? = nil,
        global: AirbyteGlobalState? = nil,
        data: JSONValue? = nil,
        sourceStats: AirbyteStateStats? = nil,
        destinationStats: AirbyteStateStats? = nil,
        additionalProperties: JSONObject = [:]
    ) {
        self.type = type
        self.stream = stream
        self.global = global
        self.data = data
        self.sourceStats = sourceStats
        self.destinationStats = destinationStats
        self.additionalProperties = additionalProperties
    }

    /// A `STREAM` state for one stream.
    public static func stream(_ descriptor: StreamDescriptor, state: JSONValue?) -> AirbyteStateMessage {
        AirbyteStateMessage(type: .stream, stream: AirbyteStreamState(streamDescriptor: descriptor, streamState: state))
    }

    /// The kind of state, `LEGACY` when the message does not say.
    public var effectiveType: StateType { type ?? .legacy }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        type = try reader.optional("type")
        stream = try reader.optional("stream")
        global = try reader.optional("global")
        data = reader.optionalValue("data")
        sourceStats = try reader.optional("sourceStats")
        destinationStats = try reader.optional("destinationStats")
        additionalProperties = reader.additionalProperties
        switch effectiveType {
        case .stream where stream == nil: throw reader.missing("stream")
        case .global where global == nil: throw reader.missing("global")
        default: break
        }
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder()
        builder.set("type", type)
        builder.set("stream", stream)
        builder.set("global", global)
        builder.set("data", data)
        builder.set("sourceStats", sourceStats)
        builder.set("destinationStats", destinationStats)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}

/// Names a stream: its name and, when the source has them, its namespace.
public struct StreamDescriptor: AirbyteProtocolValue, CustomStringConvertible {
    public var name: String
    public var namespace: String?
    public var additionalProperties: JSONObject

    public init(name: String, namespace: String? = nil, additionalProperties: JSONObject = [:]) {
        self.name = name
        self.namespace = namespace
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        name = try reader.string("name")
        namespace = try reader.optionalString("namespace")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 2)
        builder.set("name", name)
        builder.set("namespace", namespace)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }

    public var description: String {
        namespace.map { "\($0).\(name)" } ?? name
    }

    /// Two descriptors name the same stream when name and namespace agree, whatever else they carry.
    public func names(sameStreamAs other: StreamDescriptor) -> Bool {
        name == other.name && namespace == other.namespace
    }
}

public struct AirbyteStreamState: AirbyteProtocolValue {
    public var streamDescriptor: StreamDescriptor
    /// The stream's own state blob, opaque to the protocol.
    public var streamState: JSONValue?
    public var additionalProperties: JSONObject

    public init(streamDescriptor: StreamDescriptor, streamState: JSONValue? = nil, additionalProperties: JSONObject = [:]) {
        self.streamDescriptor = streamDescriptor
        self.streamState = streamState
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        streamDescriptor = try reader.required("stream_descriptor")
        streamState = reader.optionalValue("stream_state")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 2)
        builder.set("stream_descriptor", streamDescriptor)
        builder.set("stream_state", streamState)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}

public struct AirbyteGlobalState: AirbyteProtocolValue {
    public var streamStates: [AirbyteStreamState]
    public var sharedState: JSONValue?
    public var additionalProperties: JSONObject

    public init(streamStates: [AirbyteStreamState], sharedState: JSONValue? = nil, additionalProperties: JSONObject = [:]) {
        self.streamStates = streamStates
        self.sharedState = sharedState
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        streamStates = try reader.array("stream_states")
        sharedState = reader.optionalValue("shared_state")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 2)
        builder.set("stream_states", streamStates)
        builder.set("shared_state", sharedState)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}

/// Counts attached to a state message; the protocol keeps them as doubles.
public struct AirbyteStateStats: AirbyteProtocolValue {
    public var recordCount: Double?
    public var additionalProperties: JSONObject

    public init(recordCount: Double? = nil, additionalProperties: JSONObject = [:]) {
        self.recordCount = recordCount
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        recordCount = try reader.optionalDouble("recordCount")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 1)
        builder.set("recordCount", recordCount)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}
