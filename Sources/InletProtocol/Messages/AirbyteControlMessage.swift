public import InletJSON

/// A request from the connector to the platform, e.g. to persist a config with a rotated OAuth token.
public struct AirbyteControlMessage: AirbyteProtocolValue {
    public struct ControlType: AirbyteProtocolEnum {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static var connectorConfig: ControlType { ControlType(rawValue: "CONNECTOR_CONFIG") }
    }

    public var type: ControlType
    /// Milliseconds since the epoch, as a float.
    public var emittedAt: Double
    /// The complete new config for `CONNECTOR_CONFIG`.
    public var connectorConfig: JSONObject?
    public var additionalProperties: JSONObject

    public init(type: ControlType, emittedAt: Double, connectorConfig: JSONObject? = nil, additionalProperties: JSONObject = [:]) {
        self.type = type
        self.emittedAt = emittedAt
        self.connectorConfig = connectorConfig
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        type = try reader.required("type")
        emittedAt = try reader.double("emitted_at")
        if let wrapper = try reader.optionalObject("connectorConfig") {
            var configReader = try ProtocolObjectReader(.object(wrapper), path: path.appending("connectorConfig"))
            connectorConfig = try configReader.object("config")
        } else {
            connectorConfig = nil
        }
        additionalProperties = reader.additionalProperties
        if type == .connectorConfig && connectorConfig == nil { throw reader.missing("connectorConfig") }
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 3)
        builder.set("type", type)
        builder.set("emitted_at", emittedAt)
        if let connectorConfig {
            builder.set("connectorConfig", .object(["config": .object(connectorConfig)]))
        }
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}
