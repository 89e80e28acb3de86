import InletIceberg
import InletJSON
import InletParquet

/// Turns records into rows of a table's schema. A value that does not fit its column becomes null,
/// and the change is counted and named (as Airbyte's `meta.changes` names them), never a failed sync.
struct RowConverter: Sendable {
    let fields: [IcebergField]

    /// One row, in schema order; `nulled` collects the paths of values that did not fit.
    func row(_ record: JSONObject, nulled: inout [String]) -> [ParquetValue?] {
        fields.map { field in
            guard let json = record[field.name] else { return nil }
            return value(json, as: field.type, path: field.name, nulled: &nulled)
        }
    }

    func value(_ json: JSONValue, as type: IcebergType, path: String, nulled: inout [String]) -> ParquetValue? {
        if case .null = json { return nil }
        if let converted = Self.convert(json, to: type, path: path, nulled: &nulled) { return converted }
        nulled.append(path)
        return nil
    }

    private static func convert(_ json: JSONValue, to type: IcebergType, path: String, nulled: inout [String]) -> ParquetValue? {
        switch type {
        case .boolean:
            if case .bool(let flag) = json { return .boolean(flag) }
            return nil
        case .long:
            return integer(json).map { .int64($0) }
        case .int:
            return integer(json).flatMap { Int32(exactly: $0) }.map { .int32($0) }
        case .double:
            return number(json).map { .double($0) }
        case .float:
            return number(json).map { .float(Float($0)) }
        case .string:
            if case .string(let text) = json { return .string(text) }
            if case .bigNumber(let digits) = json { return .string(digits) }
            return .string(JSONWriter.string(from: json))
        case .timestamp, .timestamptz:
            guard case .string(let text) = json, let micros = TimestampText.microseconds(text) else { return nil }
            return .int64(micros)
        case .date:
            guard case .string(let text) = json, let days = TimestampText.days(text) else { return nil }
            return .int32(days)
        case .binary:
            guard case .string(let text) = json else { return nil }
            return .bytes(Array(text.utf8))
        case .structure(let children):
            guard case .object(let object) = json else { return nil }
            return .structure(children.map { child in
                guard let member = object[child.name] else { return nil }
                let childPath = path + "." + child.name
                if case .null = member { return nil }
                if let converted = convert(member, to: child.type, path: childPath, nulled: &nulled) { return converted }
                nulled.append(childPath)
                return nil
            })
        case .list(_, let element, _):
            guard case .array(let items) = json else { return nil }
            return .list(items.enumerated().map { index, item in
                if case .null = item { return nil }
                let itemPath = "\(path)[\(index)]"
                if let converted = convert(item, to: element, path: itemPath, nulled: &nulled) { return converted }
                nulled.append(itemPath)
                return nil
            })
        case .time, .uuid, .fixed, .decimal, .map:
            return nil
        }
    }

    /// Integers, integral doubles and integer strings (APIs send ids both ways).
    static func integer(_ json: JSONValue) -> Int64? {
        switch json {
        case .int(let number): return number
        case .double(let number): return number.rounded() == number ? Int64(exactly: number) : nil
        case .string(let text): return Int64(text)
        case .bigNumber(let digits): return Int64(digits)
        default: return nil
        }
    }

    static func number(_ json: JSONValue) -> Double? {
        switch json {
        case .int(let number): return Double(number)
        case .double(let number): return number
        case .bigNumber(let digits), .string(let digits): return Double(digits)
        default: return nil
        }
    }
}
