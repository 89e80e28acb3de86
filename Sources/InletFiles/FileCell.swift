public import InletJSON

/// One value as a file holds it: untyped text (csv), or a typed value (spreadsheet cells, json,
/// parquet, avro). Inference reads text; typed values keep their type.
public enum FileCell: Sendable, Equatable {
    case null
    /// Text whose type is to be inferred (a csv field).
    case text(String)
    /// Text that is a string by the file's own account (a spreadsheet's string cell, a json string).
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// An exact decimal, as canonical text (`-12.50`).
    case decimal(String)
    /// Days since 1970-01-01.
    case date(Int32)
    /// Microseconds since 1970-01-01 (UTC when zoned).
    case timestamp(Int64, zoned: Bool)
    /// A nested value (list, struct, map, object).
    case json(JSONValue)

    /// The value as text, for the preview's samples and for a STRING column.
    public var text: String? {
        switch self {
        case .null: return nil
        case .text(let text), .string(let text), .decimal(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return Self.shortest(number)
        case .date(let days): return CivilDate.isoText(days: Int64(days))
        case .timestamp(let micros, let zoned): return CivilDate.isoText(microseconds: micros, zoned: zoned)
        case .json(let value): return JSONWriter.string(from: value)
        }
    }

    /// A double's shortest text, integral ones without `.0` (`3`, `0.1`, `1e+20`).
    static func shortest(_ number: Double) -> String {
        if number.isFinite, number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }
}
