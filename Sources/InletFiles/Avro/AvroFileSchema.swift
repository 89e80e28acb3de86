import InletJSON

/// An Avro schema as object container files of any writer carry it: named types (records, enums,
/// fixed) and references to them, unions, and the logical types a table needs (date, timestamps,
/// decimal, uuid).
indirect enum AvroFileSchema: Sendable {
    case null, boolean, int, long, float, double, bytes, string
    case record(name: String, fields: [(name: String, schema: AvroFileSchema)])
    case enumeration(symbols: [String])
    case fixed(size: Int)
    case array(AvroFileSchema)
    case map(AvroFileSchema)
    case union([AvroFileSchema])
    /// A logical type over its underlying schema.
    case logical(String, AvroFileSchema, precision: Int, scale: Int)

    /// Parses a schema; named types are kept in `names` so later references resolve.
    static func parse(_ json: JSONValue, names: inout [String: AvroFileSchema], namespace: String? = nil) throws(FileImportError) -> AvroFileSchema {
        switch json {
        case .string(let name):
            switch name {
            case "null": return .null
            case "boolean": return .boolean
            case "int": return .int
            case "long": return .long
            case "float": return .float
            case "double": return .double
            case "bytes": return .bytes
            case "string": return .string
            default:
                if let named = names[name] ?? namespace.flatMap({ names[$0 + "." + name] }) { return named }
                throw FileImportError("the Avro schema names an unknown type '\(name)'")
            }
        case .array(let branches):
            return .union(try branches.map { (branch) throws(FileImportError) in try parse(branch, names: &names, namespace: namespace) })
        case .object(let object):
            guard let type = object["type"] else { throw FileImportError("an Avro schema object has no type") }
            let base: AvroFileSchema
            switch type.stringValue {
            case "record", "error":
                let name = object["name"]?.stringValue ?? ""
                let space = object["namespace"]?.stringValue ?? namespace
                let fullName = name.contains(".") || space == nil ? name : space! + "." + name
                guard case .array(let fieldList)? = object["fields"] else { throw FileImportError("Avro record \(name) has no fields") }
                // A placeholder first, so that a record can refer to itself.
                names[fullName] = .record(name: name, fields: [])
                names[name] = names[fullName]
                var fields: [(String, AvroFileSchema)] = []
                for field in fieldList {
                    guard let fieldName = field["name"]?.stringValue, let fieldType = field["type"] else {
                        throw FileImportError("a field of Avro record \(name) has no name or type")
                    }
                    fields.append((fieldName, try parse(fieldType, names: &names, namespace: space)))
                }
                base = .record(name: name, fields: fields)
                names[fullName] = base
                names[name] = base
            case "enum":
                base = .enumeration(symbols: object["symbols"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                if let name = object["name"]?.stringValue { names[name] = base; if let space = object["namespace"]?.stringValue ?? namespace { names[space + "." + name] = base } }
            case "fixed":
                guard let size = object["size"]?.intValue, size >= 0 else { throw FileImportError("an Avro fixed type has no size") }
                base = .fixed(size: Int(size))
                if let name = object["name"]?.stringValue { names[name] = base; if let space = object["namespace"]?.stringValue ?? namespace { names[space + "." + name] = base } }
            case "array":
                guard let items = object["items"] else { throw FileImportError("an Avro array has no items") }
                base = .array(try parse(items, names: &names, namespace: namespace))
            case "map":
                guard let values = object["values"] else { throw FileImportError("an Avro map has no values") }
                base = .map(try parse(values, names: &names, namespace: namespace))
            default:
                base = try parse(type, names: &names, namespace: namespace)
            }
            if let logical = object["logicalType"]?.stringValue {
                return .logical(logical, base, precision: Int(object["precision"]?.intValue ?? 0), scale: Int(object["scale"]?.intValue ?? 0))
            }
            return base
        default:
            throw FileImportError("an Avro schema is not a name, a list or an object")
        }
    }

    /// The column type a top-level field lands as, and whether the schema is a nullable union.
    var columnType: ColumnType {
        switch self {
        case .union(let branches):
            let present = branches.filter { if case .null = $0 { return false } else { return true } }
            return present.count == 1 ? present[0].columnType : .json
        case .boolean: return .boolean
        case .int: return .integer
        case .long: return .bigint
        case .float, .double: return .double
        case .string, .enumeration, .bytes, .fixed: return .string
        case .null: return .string
        case .record, .array, .map: return .json
        case .logical(let name, let base, let precision, let scale):
            switch name {
            case "date": return .date
            case "timestamp-millis", "timestamp-micros", "timestamp-nanos": return .timestamptz
            case "local-timestamp-millis", "local-timestamp-micros", "local-timestamp-nanos": return .timestamp
            case "decimal" where precision >= 1 && precision <= ColumnType.maximumDecimalPrecision && scale >= 0 && scale <= precision:
                return .decimal(precision: precision, scale: scale)
            case "time-millis", "time-micros", "uuid", "decimal": return .string
            default: return base.columnType
            }
        }
    }
}
