public import InletJSON

/// Reads the members of one protocol object, with typed accessors that fail with the member's path.
///
/// A member read here is "known"; `additionalProperties` returns the others, so that fields this
/// version of Inlet does not model survive a read-write round trip. A `null` member counts as absent,
/// as it does for the CDK's models.
public struct ProtocolObjectReader {
    public let object: JSONObject
    public let path: JSONPath
    private var knownKeys: [String] = []

    public init(_ value: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        guard case .object(let object) = value else {
            throw AirbyteProtocolError(path: path, problem: "expected an object, found \(value.typeName)")
        }
        self.object = object
        self.path = path
    }

    /// The member `key`, or `nil` when it is absent or `null`.
    public mutating func optionalValue(_ key: String) -> JSONValue? {
        knownKeys.append(key)
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    public mutating func value(_ key: String) throws(AirbyteProtocolError) -> JSONValue {
        guard let value = optionalValue(key) else { throw missing(key) }
        return value
    }

    public mutating func optionalString(_ key: String) throws(AirbyteProtocolError) -> String? {
        guard let value = optionalValue(key) else { return nil }
        guard case .string(let string) = value else { throw mismatch(key, expected: "a string", found: value) }
        return string
    }

    public mutating func string(_ key: String) throws(AirbyteProtocolError) -> String {
        guard let string = try optionalString(key) else { throw missing(key) }
        return string
    }

    public mutating func optionalBool(_ key: String) throws(AirbyteProtocolError) -> Bool? {
        guard let value = optionalValue(key) else { return nil }
        guard case .bool(let flag) = value else { throw mismatch(key, expected: "a boolean", found: value) }
        return flag
    }

    /// An integer; a double without a fractional part is accepted, as Python would.
    public mutating func optionalInt64(_ key: String) throws(AirbyteProtocolError) -> Int64? {
        guard let value = optionalValue(key) else { return nil }
        guard let integer = value.intValue else { throw mismatch(key, expected: "an integer", found: value) }
        return integer
    }

    public mutating func optionalDouble(_ key: String) throws(AirbyteProtocolError) -> Double? {
        guard let value = optionalValue(key) else { return nil }
        guard let double = value.doubleValue else { throw mismatch(key, expected: "a number", found: value) }
        return double
    }

    public mutating func double(_ key: String) throws(AirbyteProtocolError) -> Double {
        guard let double = try optionalDouble(key) else { throw missing(key) }
        return double
    }

    public mutating func optionalObject(_ key: String) throws(AirbyteProtocolError) -> JSONObject? {
        guard let value = optionalValue(key) else { return nil }
        guard case .object(let object) = value else { throw mismatch(key, expected: "an object", found: value) }
        return object
    }

    public mutating func object(_ key: String) throws(AirbyteProtocolError) -> JSONObject {
        guard let object = try optionalObject(key) else { throw missing(key) }
        return object
    }

    public mutating func optional<Value: AirbyteProtocolValue>(
        _ key: String, as type: Value.Type = Value.self
    ) throws(AirbyteProtocolError) -> Value? {
        guard let value = optionalValue(key) else { return nil }
        return try Value(json: value, path: path.appending(key))
    }

    public mutating func required<Value: AirbyteProtocolValue>(
        _ key: String, as type: Value.Type = Value.self
    ) throws(AirbyteProtocolError) -> Value {
        guard let value = try optional(key, as: Value.self) else { throw missing(key) }
        return value
    }

    public mutating func optionalArray<Element: AirbyteProtocolValue>(
        _ key: String, of type: Element.Type = Element.self
    ) throws(AirbyteProtocolError) -> [Element]? {
        guard let value = optionalValue(key) else { return nil }
        guard case .array(let elements) = value else { throw mismatch(key, expected: "an array", found: value) }
        var result: [Element] = []
        result.reserveCapacity(elements.count)
        let arrayPath = path.appending(key)
        for (index, element) in elements.enumerated() {
            result.append(try Element(json: element, path: arrayPath.appending(index: index)))
        }
        return result
    }

    public mutating func array<Element: AirbyteProtocolValue>(
        _ key: String, of type: Element.Type = Element.self
    ) throws(AirbyteProtocolError) -> [Element] {
        guard let elements = try optionalArray(key, of: Element.self) else { throw missing(key) }
        return elements
    }

    /// The members not read so far, in their original order.
    public var additionalProperties: JSONObject {
        if knownKeys.isEmpty { return object }
        // Most objects carry only known keys: skip building a new object then.
        var unknownCount = 0
        for (key, _) in object where !knownKeys.contains(key) { unknownCount += 1 }
        if unknownCount == 0 { return JSONObject() }
        return object.filter { !knownKeys.contains($0.key) }
    }

    public func missing(_ key: String) -> AirbyteProtocolError {
        AirbyteProtocolError(path: path.appending(key), problem: "is required but missing")
    }

    public func mismatch(_ key: String, expected: String, found: JSONValue) -> AirbyteProtocolError {
        AirbyteProtocolError(path: path.appending(key), problem: "expected \(expected), found \(found.typeName)")
    }
}
