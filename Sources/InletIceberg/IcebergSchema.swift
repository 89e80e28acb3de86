public import InletJSON

/// An Iceberg type: a primitive, or a struct, list or map whose inner fields carry their own ids.
public indirect enum IcebergType: Sendable, Equatable {
    case boolean, int, long, float, double, date, timestamp, timestamptz, string, binary
    /// Microseconds since midnight.
    case time
    case uuid
    /// Byte arrays of one length.
    case fixed(Int32)
    /// Numbers of `precision` digits, `scale` of them after the point (precision at most 38).
    case decimal(precision: Int32, scale: Int32)
    case structure([IcebergField])
    case list(elementID: Int32, element: IcebergType, elementRequired: Bool = false)
    case map(keyID: Int32, key: IcebergType, valueID: Int32, value: IcebergType, valueRequired: Bool = false)

    static let primitives: [IcebergType] = [.boolean, .int, .long, .float, .double, .date, .timestamp, .timestamptz, .string, .binary,
                                            .time, .uuid]

    /// The type's name in table metadata, for a primitive.
    public var primitiveName: String? {
        switch self {
        case .boolean: return "boolean"
        case .int: return "int"
        case .long: return "long"
        case .float: return "float"
        case .double: return "double"
        case .date: return "date"
        case .timestamp: return "timestamp"
        case .timestamptz: return "timestamptz"
        case .string: return "string"
        case .binary: return "binary"
        case .time: return "time"
        case .uuid: return "uuid"
        case .fixed(let length): return "fixed[\(length)]"
        case .decimal(let precision, let scale): return "decimal(\(precision), \(scale))"
        case .structure, .list, .map: return nil
        }
    }

    /// Whether a bound of this type is the little-endian number Inlet's merges can compare.
    var hasLittleEndianBounds: Bool {
        switch self {
        case .int, .long, .float, .double, .date, .time, .timestamp, .timestamptz: return true
        default: return false
        }
    }

    public var isPrimitive: Bool { primitiveName != nil }

    /// The ids of the fields inside a nested type (struct fields, list elements, map keys and values).
    var innerFieldIDs: [Int32] {
        switch self {
        case .structure(let fields): return fields.flatMap { [$0.id] + $0.type.innerFieldIDs }
        case .list(let elementID, let element, _): return [elementID] + element.innerFieldIDs
        case .map(let keyID, let key, let valueID, let value, _): return [keyID, valueID] + key.innerFieldIDs + value.innerFieldIDs
        default: return []
        }
    }

    var json: JSONValue {
        switch self {
        case .structure(let fields):
            return .object(["type": "struct", "fields": .array(fields.map(\.json))])
        case .list(let elementID, let element, let elementRequired):
            return .object(["type": "list", "element-id": .int(Int64(elementID)), "element": element.json,
                            "element-required": .bool(elementRequired)])
        case .map(let keyID, let key, let valueID, let value, let valueRequired):
            return .object(["type": "map", "key-id": .int(Int64(keyID)), "key": key.json, "value-id": .int(Int64(valueID)),
                            "value": value.json, "value-required": .bool(valueRequired)])
        default:
            return .string(primitiveName ?? "")
        }
    }

    /// `fixed[L]` or `decimal(P, S)` (spaces optional).
    private static func parameterized(_ name: String) -> IcebergType? {
        let compact = name.filter { $0 != " " }
        func numbers(_ prefix: String, _ suffix: String) -> [Int32]? {
            guard compact.hasPrefix(prefix), compact.hasSuffix(suffix), compact.count > prefix.count + suffix.count else { return nil }
            let inner = compact.dropFirst(prefix.count).dropLast(suffix.count)
            let parts = inner.split(separator: ",", omittingEmptySubsequences: false).map { Int32($0) }
            return parts.contains(nil) ? nil : parts.compactMap { $0 }
        }
        if let length = numbers("fixed[", "]"), length.count == 1, length[0] > 0 { return .fixed(length[0]) }
        if let digits = numbers("decimal(", ")"), digits.count == 2, (1...38).contains(digits[0]), (0...digits[0]).contains(digits[1]) {
            return .decimal(precision: digits[0], scale: digits[1])
        }
        return nil
    }

    /// Reads a type from table metadata; `path` names the field for errors.
    init(json: JSONValue, path: String) throws(IcebergError) {
        if let name = json.stringValue {
            guard let primitive = Self.primitives.first(where: { $0.primitiveName == name }) ?? Self.parameterized(name) else {
                throw .unsupported("column '\(path)' of type \(name)")
            }
            self = primitive
            return
        }
        func id(_ key: String) throws(IcebergError) -> Int32 {
            guard let id = json[key]?.intValue else { throw .invalidMetadata("the type of '\(path)' has no \(key)") }
            return Int32(id)
        }
        func inner(_ key: String, _ name: String) throws(IcebergError) -> IcebergType {
            guard let type = json[key] else { throw .invalidMetadata("the type of '\(path)' has no \(key)") }
            return try IcebergType(json: type, path: path + "." + name)
        }
        switch json["type"]?.stringValue {
        case "struct"?:
            guard case .array(let list)? = json["fields"] else { throw .invalidMetadata("struct '\(path)' has no fields") }
            self = .structure(try list.map { (field) throws(IcebergError) in try IcebergField(json: field, parentPath: path + ".") })
        case "list"?:
            self = .list(elementID: try id("element-id"), element: try inner("element", "element"),
                         elementRequired: json["element-required"]?.boolValue ?? false)
        case "map"?:
            self = .map(keyID: try id("key-id"), key: try inner("key", "key"), valueID: try id("value-id"), value: try inner("value", "value"),
                        valueRequired: json["value-required"]?.boolValue ?? false)
        default:
            throw .invalidMetadata("column '\(path)' has type \(JSONWriter.string(from: json))")
        }
    }
}

extension IcebergType: CustomStringConvertible {
    /// The type as table metadata spells it: a primitive's name, a nested type's JSON.
    public var description: String { primitiveName ?? JSONWriter.string(from: json) }
}

/// One field of a table schema (or of a struct), with its permanent field id.
public struct IcebergField: Sendable, Equatable {
    public var id: Int32
    public var name: String
    public var type: IcebergType
    public var isRequired: Bool

    public init(id: Int32, name: String, type: IcebergType, isRequired: Bool = false) {
        self.id = id
        self.name = name
        self.type = type
        self.isRequired = isRequired
    }

    var json: JSONValue {
        .object(["id": .int(Int64(id)), "name": .string(name), "required": .bool(isRequired), "type": type.json])
    }

    init(json field: JSONValue, parentPath: String = "") throws(IcebergError) {
        guard let id = field["id"]?.intValue, let name = field["name"]?.stringValue, let type = field["type"] else {
            throw .invalidMetadata("schema field \(JSONWriter.string(from: field)) lacks an id, a name or a type")
        }
        self.init(id: Int32(id), name: name, type: try IcebergType(json: type, path: parentPath + name),
                  isRequired: field["required"]?.boolValue ?? false)
    }
}

/// A table schema: its id, its fields and the fields that identify a row (the merge key).
public struct IcebergSchema: Sendable, Equatable {
    public var schemaID: Int32
    public var fields: [IcebergField]
    public var identifierFieldIDs: [Int32]

    public init(schemaID: Int32 = 0, fields: [IcebergField], identifierFieldIDs: [Int32] = []) {
        self.schemaID = schemaID
        self.fields = fields
        self.identifierFieldIDs = identifierFieldIDs
    }

    /// The highest id of any field, nested ones included (the table's `last-column-id`).
    public var highestFieldID: Int32 { fields.flatMap { [$0.id] + $0.type.innerFieldIDs }.max() ?? 0 }

    public var json: JSONValue {
        .object([
            "type": "struct",
            "schema-id": .int(Int64(schemaID)),
            "identifier-field-ids": .array(identifierFieldIDs.map { .int(Int64($0)) }),
            "fields": .array(fields.map(\.json)),
        ])
    }

    /// Reads a schema from table metadata; types this writer does not handle yet are an error.
    public init(json: JSONValue) throws(IcebergError) {
        guard case .array(let list)? = json["fields"] else { throw .invalidMetadata("a schema without fields") }
        let fields = try list.map { (field) throws(IcebergError) in try IcebergField(json: field) }
        self.init(schemaID: Int32(json["schema-id"]?.intValue ?? 0), fields: fields,
                  identifierFieldIDs: json["identifier-field-ids"]?.arrayValue?.compactMap { $0.intValue.map { Int32($0) } } ?? [])
    }
}

/// Why a table operation failed.
public enum IcebergError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidMetadata(String)
    case unsupported(String)
    case tableExists(String)
    case noSuchTable(String)
    case commitConflict(String)
    case io(String)
    case catalog(String)

    public var description: String {
        switch self {
        case .invalidMetadata(let what): return "invalid table metadata: \(what)"
        case .unsupported(let what): return "not supported yet: \(what)"
        case .tableExists(let name): return "table \(name) already exists"
        case .noSuchTable(let name): return "table \(name) does not exist"
        case .commitConflict(let what): return "commit conflict: \(what)"
        case .io(let what): return "file error: \(what)"
        case .catalog(let what): return "catalog error: \(what)"
        }
    }
}
