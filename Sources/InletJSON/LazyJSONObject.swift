/// A JSON object that is either parsed or still the raw bytes it arrived in; records travel as this
/// so that one nobody looks into is never parsed into values and written back out.
public struct LazyJSONObject: Sendable {
    fileprivate enum Storage: Sendable {
        case parsed(JSONObject)
        case raw(RawJSONObject)
        case edited(EditedRawJSONObject)
    }

    fileprivate var storage: Storage

    public init(_ object: JSONObject) {
        storage = .parsed(object)
    }

    public init(raw: RawJSONObject) {
        storage = .raw(raw)
    }

    public init(edited: EditedRawJSONObject) {
        storage = .edited(edited)
    }

    /// The members, parsed on each access when the object is still raw; setting it replaces the bytes.
    public var object: JSONObject {
        get {
            switch storage {
            case .parsed(let object): return object
            case .raw(let raw): return raw.parsed()
            case .edited(let edited): return edited.parsed()
            }
        }
        set { storage = .parsed(newValue) }
    }

    /// The bytes, when the object has not been parsed or changed.
    public var raw: RawJSONObject? {
        if case .raw(let raw) = storage { return raw }
        return nil
    }

    /// Raw bytes with members set or removed, not parsed.
    public var isEditedRaw: Bool {
        if case .edited = storage { return true }
        return false
    }

    public subscript(key: String) -> JSONValue? {
        switch storage {
        case .parsed(let object): return object[key]
        case .raw(let raw): return raw.value(forKey: key)
        case .edited(let edited): return edited[key]
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
        case .edited(let edited):
            return LazyJSONObject(edited: edited.droppingNulls())
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
        switch object.storage {
        case .raw(let raw) where raw.isCanonical: writeRaw(raw.bytes)
        case .edited(let edited): edited.write(to: &self)
        default: write(object.object)
        }
    }
}
