public import InletJSON

public struct AirbyteLogMessage: AirbyteProtocolValue {
    public struct Level: AirbyteProtocolEnum {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static var fatal: Level { Level(rawValue: "FATAL") }
        public static var error: Level { Level(rawValue: "ERROR") }
        public static var warn: Level { Level(rawValue: "WARN") }
        public static var info: Level { Level(rawValue: "INFO") }
        public static var debug: Level { Level(rawValue: "DEBUG") }
        public static var trace: Level { Level(rawValue: "TRACE") }
    }

    public var level: Level
    public var message: String
    public var stackTrace: String?
    public var additionalProperties: JSONObject

    public init(level: Level, message: String, stackTrace: String? = nil, additionalProperties: JSONObject = [:]) {
        self.level = level
        self.message = message
        self.stackTrace = stackTrace
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        level = try reader.required("level")
        message = try reader.string("message")
        stackTrace = try reader.optionalString("stack_trace")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 3)
        builder.set("level", level)
        builder.set("message", message)
        builder.set("stack_trace", stackTrace)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}
