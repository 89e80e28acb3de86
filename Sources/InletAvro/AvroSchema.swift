public import InletJSON

/// An Avro schema, with the `field-id` / `element-id` attributes Iceberg puts on its fields.
public indirect enum AvroSchema: Sendable, Equatable {
    case null, boolean, int, long, float, double, bytes, string
    case record(name: String, fields: [AvroField])
    /// `elementID` is Iceberg's `element-id`; `logicalType` is `"map"` for Iceberg's maps written as
    /// arrays of key/value records.
    case array(items: AvroSchema, elementID: Int32? = nil, logicalType: String? = nil)
    case map(values: AvroSchema)
    case union([AvroSchema])

    /// `["null", schema]`: an optional value.
    public static func optional(_ schema: AvroSchema) -> AvroSchema { .union([.null, schema]) }

    /// The schema as Avro's JSON form.
    public var json: JSONValue {
        switch self {
        case .null: return "null"
        case .boolean: return "boolean"
        case .int: return "int"
        case .long: return "long"
        case .float: return "float"
        case .double: return "double"
        case .bytes: return "bytes"
        case .string: return "string"
        case .record(let name, let fields):
            return .object(["type": "record", "name": .string(name), "fields": .array(fields.map(\.json))])
        case .array(let items, let elementID, let logicalType):
            var object: JSONObject = ["type": "array", "items": items.json]
            if let elementID { object["element-id"] = .int(Int64(elementID)) }
            if let logicalType { object["logicalType"] = .string(logicalType) }
            return .object(object)
        case .map(let values):
            return .object(["type": "map", "values": values.json])
        case .union(let branches):
            return .array(branches.map(\.json))
        }
    }

    /// Reads a schema from its JSON form (as found in a container file's header).
    public init(json: JSONValue) throws(AvroError) {
        switch json {
        case .string(let name):
            switch name {
            case "null": self = .null
            case "boolean": self = .boolean
            case "int": self = .int
            case "long": self = .long
            case "float": self = .float
            case "double": self = .double
            case "bytes": self = .bytes
            case "string": self = .string
            default: throw .unsupportedSchema("named type reference '\(name)'")
            }
        case .array(let branches):
            self = .union(try branches.map { (branch) throws(AvroError) in try AvroSchema(json: branch) })
        case .object(let object):
            switch object["type"]?.stringValue {
            case "record":
                guard case .array(let fields)? = object["fields"] else { throw .unsupportedSchema("a record without fields") }
                self = .record(name: object["name"]?.stringValue ?? "", fields: try fields.map { (field) throws(AvroError) in try AvroField(json: field) })
            case "array":
                guard let items = object["items"] else { throw .unsupportedSchema("an array without items") }
                self = .array(items: try AvroSchema(json: items), elementID: object["element-id"]?.intValue.map { Int32($0) },
                              logicalType: object["logicalType"]?.stringValue)
            case "map":
                guard let values = object["values"] else { throw .unsupportedSchema("a map without values") }
                self = .map(values: try AvroSchema(json: values))
            case "fixed", "enum":
                throw .unsupportedSchema(object["type"]?.stringValue ?? "")
            case let primitive?:
                self = try AvroSchema(json: .string(primitive))
            case nil:
                throw .unsupportedSchema("an object without a type")
            }
        default:
            throw .unsupportedSchema("\(json)")
        }
    }
}

public struct AvroField: Sendable, Equatable {
    public var name: String
    public var schema: AvroSchema
    /// Iceberg's `field-id`.
    public var fieldID: Int32?
    public var defaultValue: JSONValue?

    public init(_ name: String, _ schema: AvroSchema, fieldID: Int32? = nil, defaultValue: JSONValue? = nil) {
        self.name = name
        self.schema = schema
        self.fieldID = fieldID
        self.defaultValue = defaultValue
    }

    var json: JSONValue {
        var object: JSONObject = ["name": .string(name), "type": schema.json]
        if let fieldID { object["field-id"] = .int(Int64(fieldID)) }
        if let defaultValue { object["default"] = defaultValue }
        return .object(object)
    }

    init(json: JSONValue) throws(AvroError) {
        guard let name = json["name"]?.stringValue, let type = json["type"] else { throw .unsupportedSchema("a field without name or type") }
        self.init(name, try AvroSchema(json: type), fieldID: json["field-id"]?.intValue.map { Int32($0) }, defaultValue: json["default"])
    }
}
