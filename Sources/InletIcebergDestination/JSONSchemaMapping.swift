public import InletIceberg
public import InletJSON

/// How a stream's JSON schema becomes an Iceberg schema (documented in the README):
///
/// | JSON schema | Iceberg |
/// |---|---|
/// | `boolean` | boolean |
/// | `integer`, or `number` with `airbyte_type: integer` | long |
/// | `number` | double |
/// | `number` with `decimal_precision` P and `decimal_scale` S | decimal(P, S) |
/// | `string` with `format: date-time` | timestamptz (`timestamp` with `airbyte_type: timestamp_without_timezone`) |
/// | `string` with `format: date` | date |
/// | `string` (any other format) | string |
/// | `object` with `properties` | struct of its properties (or a JSON string, when `nestedAsJSON`) |
/// | `array` with typed `items` | list of the items' type (or a JSON string, when `nestedAsJSON`) |
/// | `object` without properties, several types, `anyOf`/`oneOf`, no type | string holding the value's JSON |
///
/// Every column is optional: sources do not promise their fields. Field ids are assigned depth first.
public struct JSONSchemaMapping: Sendable {
    /// Nested objects and arrays as JSON strings instead of structs and lists.
    public var nestedAsJSON: Bool

    public init(nestedAsJSON: Bool = false) {
        self.nestedAsJSON = nestedAsJSON
    }

    /// The columns of a stream's records, in the order of the schema's properties, with ids from
    /// `firstID` on.
    public func fields(of schema: JSONObject, firstID: Int32 = 1) -> [IcebergField] {
        var nextID = firstID - 1
        return fields(of: schema, nextID: &nextID)
    }

    func fields(of schema: JSONObject, nextID: inout Int32) -> [IcebergField] {
        guard case .object(let properties)? = schema["properties"] else { return [] }
        var fields: [IcebergField] = []
        for (name, property) in properties {
            nextID += 1
            let id = nextID
            fields.append(IcebergField(id: id, name: name, type: type(of: property.objectValue ?? [:], nextID: &nextID)))
        }
        return fields
    }

    /// The Iceberg type of one property's schema; inner ids come from `nextID`.
    func type(of schema: JSONObject, nextID: inout Int32) -> IcebergType {
        let types = Self.declaredTypes(schema).filter { $0 != "null" }
        guard types.count == 1, schema["anyOf"] == nil, schema["oneOf"] == nil else { return .string }
        let airbyteType = schema["airbyte_type"]?.stringValue
        switch types[0] {
        case "boolean": return .boolean
        case "integer": return .long
        case "number":
            if airbyteType == "integer" { return .long }
            // Inlet's exact decimals (file imports): `decimal_precision` and `decimal_scale`.
            if let precision = schema["decimal_precision"]?.intValue, let scale = schema["decimal_scale"]?.intValue,
               (1...38).contains(precision), (0...precision).contains(scale) {
                return .decimal(precision: Int32(precision), scale: Int32(scale))
            }
            return .double
        case "string":
            switch schema["format"]?.stringValue {
            case "date-time"?: return airbyteType == "timestamp_without_timezone" ? .timestamp : .timestamptz
            case "date"?: return .date
            default: return .string
            }
        case "object":
            guard !nestedAsJSON, case .object(let properties)? = schema["properties"], !properties.isEmpty else { return .string }
            return .structure(fields(of: schema, nextID: &nextID))
        case "array":
            guard !nestedAsJSON, let items = schema["items"]?.objectValue, !Self.declaredTypes(items).isEmpty else { return .string }
            nextID += 1
            let elementID = nextID
            return .list(elementID: elementID, element: type(of: items, nextID: &nextID))
        default:
            return .string
        }
    }

    /// The type a value first seen in a record (not in the schema) gets: scalars as themselves,
    /// objects and arrays as JSON strings.
    public static func type(ofValue value: JSONValue) -> IcebergType? {
        switch value {
        case .null: return nil
        case .bool: return .boolean
        case .int: return .long
        case .double, .bigNumber: return .double
        default: return .string
        }
    }

    static func declaredTypes(_ schema: JSONObject) -> [String] {
        switch schema["type"] {
        case .string(let name)?: return [name]
        case .array(let names)?: return names.compactMap(\.stringValue)
        default: return []
        }
    }
}
