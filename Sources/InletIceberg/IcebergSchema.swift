public import InletJSON

/// An Iceberg primitive type (nested types come with the pipeline's nested columns).
public enum IcebergType: String, Sendable, Equatable {
    case boolean, int, long, float, double, date, timestamp, timestamptz, string, binary
}

/// One field of a table schema, with its permanent field id.
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
        .object(["id": .int(Int64(id)), "name": .string(name), "required": .bool(isRequired), "type": .string(type.rawValue)])
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

    public var highestFieldID: Int32 { fields.map(\.id).max() ?? 0 }

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
        var fields: [IcebergField] = []
        for field in list {
            guard let id = field["id"]?.intValue, let name = field["name"]?.stringValue, let typeName = field["type"]?.stringValue else {
                throw .invalidMetadata("schema field \(JSONWriter.string(from: field)) is not a primitive field")
            }
            guard let type = IcebergType(rawValue: typeName) else { throw .unsupported("column '\(name)' of type \(typeName)") }
            fields.append(IcebergField(id: Int32(id), name: name, type: type, isRequired: field["required"]?.boolValue ?? false))
        }
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
