public import InletJSON

/// A value of the Airbyte protocol that converts to and from JSON, reporting where a document is wrong.
public protocol AirbyteProtocolValue: Sendable, Hashable {
    init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError)
    var json: JSONValue { get }
}

extension AirbyteProtocolValue {
    public init(json: JSONValue) throws(AirbyteProtocolError) {
        try self.init(json: json, path: .root)
    }
}

/// A protocol enumeration kept as its string, so values that a newer protocol adds survive a round trip.
public protocol AirbyteProtocolEnum: AirbyteProtocolValue, RawRepresentable<String>, CustomStringConvertible {
    init(rawValue: String)
}

extension AirbyteProtocolEnum {
    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        guard case .string(let raw) = json else {
            throw AirbyteProtocolError(path: path, problem: "expected a string, found \(json.typeName)")
        }
        self.init(rawValue: raw)
    }

    public var json: JSONValue { .string(rawValue) }
    public var description: String { rawValue }
}

extension String: AirbyteProtocolValue {
    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        guard case .string(let string) = json else {
            throw AirbyteProtocolError(path: path, problem: "expected a string, found \(json.typeName)")
        }
        self = string
    }

    public var json: JSONValue { .string(self) }
}

extension Array: AirbyteProtocolValue where Element: AirbyteProtocolValue {
    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        guard case .array(let elements) = json else {
            throw AirbyteProtocolError(path: path, problem: "expected an array, found \(json.typeName)")
        }
        var result: [Element] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            result.append(try Element(json: element, path: path.appending(index: index)))
        }
        self = result
    }

    public var json: JSONValue { .array(map(\.json)) }
}
