/// A JSON object that is either parsed or still the raw bytes it arrived in; records travel as this
/// so that one nobody looks into is never parsed into values and written back out.
public struct LazyJSONObject: Sendable {
    private enum Storage: Sendable {
        case parsed(JSONObject)
        case raw(RawJSONObject)
    }

    private var storage: Storage

    public init(_ object: JSONObject) {
        storage = .parsed(object)
    }

    public init(raw: RawJSONObject) {
        storage = .raw(raw)
    }

    /// The members, parsed on each access when the object is still raw; setting it replaces the bytes.
    public var object: JSONObject {
        get {
            switch storage {
            case .parsed(let object): return object
            case .raw(let raw): return raw.parsed()
            }
        }
        set { storage = .parsed(newValue) }
    }

    /// The bytes, when the object has not been parsed or changed.
    public var raw: RawJSONObject? {
        if case .raw(let raw) = storage { return raw }
        return nil
    }

    public subscript(key: String) -> JSONValue? {
        switch storage {
        case .parsed(let object): return object[key]
        case .raw(let raw): return raw.value(forKey: key)
        }
    }

    /// The object without its `null` members, as the CDK drops them from records.
    public func droppingTopLevelNulls() -> LazyJSONObject {
        switch storage {
        case .parsed(let object):
            guard object.contains(where: { $0.value.isNull }) else { return self }
            return LazyJSONObject(object.filter { !$0.value.isNull })
        case .raw(let raw):
            return raw.droppingTopLevelNulls()
        }
    }
}

extension LazyJSONObject: Hashable {
    public static func == (lhs: LazyJSONObject, rhs: LazyJSONObject) -> Bool {
        lhs.object == rhs.object
    }

    public func hash(into hasher: inout Hasher) {
        object.hash(into: &hasher)
    }
}

extension JSONWriter {
    /// Writes the object, copying canonical raw bytes as they are.
    public mutating func write(_ object: LazyJSONObject) {
        if let raw = object.raw, raw.isCanonical {
            writeRaw(raw.bytes)
        } else {
            write(object.object)
        }
    }
}
