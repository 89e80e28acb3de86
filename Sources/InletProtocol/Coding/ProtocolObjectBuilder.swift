public import InletJSON

/// Builds a protocol object member by member in the CDK's field order, leaving out absent values as
/// the CDK's serializer does (`omit_none`), and appending unknown members kept from the input last.
public struct ProtocolObjectBuilder {
    public private(set) var object: JSONObject

    public init(capacity: Int = 8) {
        object = JSONObject(minimumCapacity: capacity)
    }

    public mutating func set(_ key: String, _ value: JSONValue?) {
        if let value { object[key] = value }
    }

    public mutating func set(_ key: String, _ value: String?) {
        if let value { object[key] = .string(value) }
    }

    public mutating func set(_ key: String, _ value: Bool?) {
        if let value { object[key] = .bool(value) }
    }

    public mutating func set(_ key: String, _ value: Int64?) {
        if let value { object[key] = .int(value) }
    }

    public mutating func set(_ key: String, _ value: Double?) {
        if let value { object[key] = .double(value) }
    }

    public mutating func set(_ key: String, _ value: JSONObject?) {
        if let value { object[key] = .object(value) }
    }

    public mutating func set(_ key: String, _ value: (some AirbyteProtocolValue)?) {
        if let value { object[key] = value.json }
    }

    public mutating func set(_ key: String, _ values: [some AirbyteProtocolValue]?) {
        if let values { object[key] = .array(values.map(\.json)) }
    }

    /// Appends members kept from the input; a member already set wins.
    public mutating func merge(_ additionalProperties: JSONObject) {
        for (key, value) in additionalProperties where !object.contains(key: key) {
            object[key] = value
        }
    }
}
