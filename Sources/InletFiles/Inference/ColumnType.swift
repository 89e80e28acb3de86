public import InletJSON
import Foundation

/// The type a file's column lands as: inferred from a sample of its text, taken from a typed
/// format (parquet, avro, spreadsheet cells), or chosen by the user (`--type col=DECIMAL(10,2)`).
public enum ColumnType: Sendable, Hashable, CustomStringConvertible {
    case boolean
    /// A 32-bit integer.
    case integer
    /// A 64-bit integer.
    case bigint
    case decimal(precision: Int, scale: Int)
    case double
    case date
    /// A date and time without a zone.
    case timestamp
    /// A point in time: the text carried a zone or an offset.
    case timestamptz
    case string
    /// Nested values (lists, structs, maps) of typed formats, landed as their JSON text.
    case json

    public static let maximumDecimalPrecision = 38

    public var description: String {
        switch self {
        case .boolean: return "BOOLEAN"
        case .integer: return "INTEGER"
        case .bigint: return "BIGINT"
        case .decimal(let precision, let scale): return "DECIMAL(\(precision),\(scale))"
        case .double: return "DOUBLE"
        case .date: return "DATE"
        case .timestamp: return "TIMESTAMP"
        case .timestamptz: return "TIMESTAMPTZ"
        case .string: return "STRING"
        case .json: return "JSON"
        }
    }

    /// A type as a user writes it: `BOOLEAN`, `INTEGER`/`INT`, `BIGINT`/`LONG`, `DECIMAL(p,s)`,
    /// `DOUBLE`/`FLOAT`, `DATE`, `TIMESTAMP`, `TIMESTAMPTZ`, `STRING`/`VARCHAR`/`TEXT`, `JSON`; any case.
    public init(parsing text: String) throws(FileImportError) {
        let name = text.uppercased().filter { !$0.isWhitespace }
        switch name {
        case "BOOLEAN", "BOOL": self = .boolean
        case "INTEGER", "INT", "INT32": self = .integer
        case "BIGINT", "LONG", "INT64": self = .bigint
        case "DOUBLE", "FLOAT", "FLOAT64", "REAL": self = .double
        case "DATE": self = .date
        case "TIMESTAMP", "DATETIME": self = .timestamp
        case "TIMESTAMPTZ", "TIMESTAMPWITHTIMEZONE": self = .timestamptz
        case "STRING", "VARCHAR", "TEXT": self = .string
        case "JSON": self = .json
        default:
            guard name.hasPrefix("DECIMAL("), name.hasSuffix(")") else {
                throw FileImportError("unknown type '\(text)' (expected BOOLEAN, INTEGER, BIGINT, DECIMAL(p,s), DOUBLE, DATE, TIMESTAMP, TIMESTAMPTZ or STRING)")
            }
            let numbers = name.dropFirst("DECIMAL(".count).dropLast().split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard numbers.count == 2, let precision = numbers[0], let scale = numbers[1],
                  (1...Self.maximumDecimalPrecision).contains(precision), (0...precision).contains(scale) else {
                throw FileImportError("type '\(text)': a decimal needs a precision of 1 to 38 and a scale from 0 to the precision, as DECIMAL(10,2)")
            }
            self = .decimal(precision: precision, scale: scale)
        }
    }

    /// A type with the way its text reads, as a user writes it: any type above, or `DATE(%d/%m/%Y)`,
    /// `TIMESTAMP(%m/%d/%Y)`, `TIMESTAMPTZ(%Y-%m-%d)` with a date format (which settles a column whose
    /// day and month order the sample could not).
    public static func choice(parsing text: String) throws(FileImportError) -> (type: ColumnType, dateFormat: DateFormat?) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") {
            let base = trimmed[..<open].uppercased().trimmingCharacters(in: .whitespaces)
            if ["DATE", "TIMESTAMP", "DATETIME", "TIMESTAMPTZ"].contains(base) {
                let pattern = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]).trimmingCharacters(in: .whitespaces)
                guard let format = DateFormat(pattern: pattern) else {
                    throw FileImportError("type '\(text)': the date format must be one of \(DateFormat.candidates.map(\.description).joined(separator: ", "))")
                }
                return (try ColumnType(parsing: base), format)
            }
        }
        return (try ColumnType(parsing: trimmed), nil)
    }

    /// The column's JSON schema, as the pipeline maps it to an Iceberg type (every column may be null).
    public var jsonSchema: JSONObject {
        switch self {
        case .boolean: return ["type": ["null", "boolean"]]
        case .integer: return ["type": ["null", "integer"], "airbyte_type": "integer"]
        case .bigint: return ["type": ["null", "integer"]]
        case .decimal(let precision, let scale):
            return ["type": ["null", "number"], "decimal_precision": .int(Int64(precision)), "decimal_scale": .int(Int64(scale))]
        case .double: return ["type": ["null", "number"]]
        case .date: return ["type": ["null", "string"], "format": "date"]
        case .timestamp: return ["type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_without_timezone"]
        case .timestamptz: return ["type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_with_timezone"]
        case .string, .json: return ["type": ["null", "string"]]
        }
    }
}
