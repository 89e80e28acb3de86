public import InletJSON

/// The answer to `check`.
public struct AirbyteConnectionStatus: AirbyteProtocolValue {
    public struct Status: AirbyteProtocolEnum {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static var succeeded: Status { Status(rawValue: "SUCCEEDED") }
        public static var failed: Status { Status(rawValue: "FAILED") }
    }

    public var status: Status
    public var message: String?
    public var additionalProperties: JSONObject

    public init(status: Status, message: String? = nil, additionalProperties: JSONObject = [:]) {
        self.status = status
        self.message = message
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        status = try reader.required("status")
        message = try reader.optionalString("message")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 2)
        builder.set("status", status)
        builder.set("message", message)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}
