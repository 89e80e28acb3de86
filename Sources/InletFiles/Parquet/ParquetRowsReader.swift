import Foundation
import InletJSON
import InletParquet

/// Reads a Parquet file's rows one row group at a time, its columns typed by the file's own schema:
/// nested fields (lists, structs, maps) as JSON.
public final class ParquetRowsReader: TabularReader {
    public let columnNames: [String]
    public let declaredTypes: [ColumnType]?
    public let layout = FileLayout(format: .parquet)
    public let recordedRowCount: Int?
    public private(set) var bytesRead = 0

    private let reader: ParquetFileReader
    private let fileSize: Int
    private var group = -1
    private var groupColumns: [[ParquetValue?]] = []
    private var groupRows = 0
    private var row = 0

    public init(path: String) throws(FileImportError) {
        do {
            reader = try ParquetFileReader(path: path)
        } catch {
            throw FileImportError("\(path): \(error)")
        }
        fileSize = (try? FileBytes(path: path).size) ?? 0
        columnNames = ColumnNames.distinct(reader.fields.map(\.name))
        declaredTypes = reader.fields.map(Self.type(of:))
        recordedRowCount = Int(reader.rowCount)
    }

    public func nextRow() throws(FileImportError) -> [FileCell]? {
        while row == groupRows {
            group += 1
            guard group < reader.rowGroupCount else { return nil }
            do {
                groupColumns = try reader.fields.indices.map { try reader.values(ofFieldAt: $0, inRowGroup: group) }
            } catch {
                throw FileImportError("row group \(group + 1) of \(reader.rowGroupCount): \(error)")
            }
            groupRows = reader.rowCount(inRowGroup: group)
            guard groupColumns.allSatisfy({ $0.count == groupRows }) else {
                throw FileImportError("row group \(group + 1): its columns hold different numbers of values (a corrupt file)")
            }
            row = 0
            bytesRead = fileSize * (group + 1) / max(reader.rowGroupCount, 1)
        }
        defer { row += 1 }
        return reader.fields.indices.map { Self.cell(groupColumns[$0][row], field: reader.fields[$0]) }
    }

    static func type(of field: ParquetField) -> ColumnType {
        guard case .primitive(let physical, let logical) = field.kind else { return .json }
        switch logical {
        case .decimal(let precision, let scale)?:
            return precision <= 38 ? .decimal(precision: Int(precision), scale: Int(scale)) : .string
        case .date?: return .date
        case .timestampMicros(let utc)?, .timestampMillis(let utc)?, .timestampNanos(let utc)?: return utc ? .timestamptz : .timestamp
        case .json?: return .json
        case .string?, .uuid?, .timeMicros?: return .string
        case nil: break
        }
        switch physical {
        case .boolean: return .boolean
        case .int32: return .integer
        case .int64: return .bigint
        case .float, .double: return .double
        default: return .string
        }
    }

    static func cell(_ value: ParquetValue?, field: ParquetField) -> FileCell {
        guard let value else { return .null }
        guard case .primitive(_, let logical) = field.kind else { return .json(json(value, field: field)) }
        switch (value, logical) {
        case (.int32(let days), .date?): return .date(days)
        case (.int64(let micros), .timestampMicros(let utc)?): return .timestamp(micros, zoned: utc)
        case (.int64(let millis), .timestampMillis(let utc)?): return .timestamp(millis * 1000, zoned: utc)
        case (.int64(let nanos), .timestampNanos(let utc)?):
            // Microseconds are the table's precision; sub-microsecond digits would be lost, so keep them as text.
            if nanos % 1000 != 0 { return .string(String(nanos)) }
            return .timestamp(nanos / 1000, zoned: utc)
        case (.int64(let micros), .timeMicros?):
            return .string(CivilDate.isoText(microseconds: micros, zoned: false).split(separator: "T").last.map(String.init) ?? "")
        case (_, .decimal(_, let scale)?): return .decimal(decimalText(value, scale: Int(scale)))
        case (.bytes(let bytes), .uuid?): return .string(uuidText(bytes))
        default: break
        }
        switch value {
        case .boolean(let flag): return .bool(flag)
        case .int32(let number): return .int(Int64(number))
        case .int64(let number): return .int(number)
        case .float(let number): return .double(Double(number))
        case .double(let number): return .double(number)
        case .string(let text): return .string(text)
        case .bytes(let bytes): return .string(String(validating: bytes, as: UTF8.self) ?? base64(bytes))
        case .list, .structure, .map: return .json(json(value, field: field))
        }
    }

    /// An unscaled decimal (INT32, INT64 or big-endian two's complement bytes) as canonical text.
    static func decimalText(_ value: ParquetValue, scale: Int) -> String {
        var magnitude: [UInt8] = []
        var negative = false
        switch value {
        case .int32(let number): return scaled(String(number.magnitude), negative: number < 0, scale: scale)
        case .int64(let number): return scaled(String(number.magnitude), negative: number < 0, scale: scale)
        case .bytes(let bytes): magnitude = bytes
        default: return ""
        }
        guard !magnitude.isEmpty else { return "0" }
        negative = magnitude[0] & 0x80 != 0
        if negative {
            // Two's complement: invert and add one.
            magnitude = magnitude.map { ~$0 }
            var index = magnitude.count - 1
            while index >= 0 {
                let (sum, overflow) = magnitude[index].addingReportingOverflow(1)
                magnitude[index] = sum
                if !overflow { break }
                index -= 1
            }
        }
        // Base-256 to base-10 by repeated division.
        var digits: [UInt8] = []
        var number = magnitude.drop { $0 == 0 }.map { UInt32($0) }
        while !number.isEmpty {
            var remainder: UInt32 = 0
            var quotient: [UInt32] = []
            for byte in number {
                let current = remainder << 8 | byte
                let digit = current / 10
                remainder = current % 10
                if !quotient.isEmpty || digit != 0 { quotient.append(digit) }
            }
            digits.append(UInt8(remainder) + 48)
            number = quotient
        }
        let text = digits.isEmpty ? "0" : String(decoding: digits.reversed(), as: UTF8.self)
        return scaled(text, negative: negative, scale: scale)
    }

    private static func scaled(_ digits: String, negative: Bool, scale: Int) -> String {
        var digits = digits
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return (negative && digits.contains(where: { $0 != "0" && $0 != "." }) ? "-" : "") + digits
    }

    static func uuidText(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        guard hex.count == 32 else { return hex }
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// A nested value as JSON: lists as arrays, structs as objects, maps as objects (keys as text).
    static func json(_ value: ParquetValue?, field: ParquetField) -> JSONValue {
        guard let value else { return .null }
        switch (value, field.kind) {
        case (.list(let items), .list(let element)): return .array(items.map { json($0, field: element) })
        case (.structure(let values), .structure(let children)):
            return .object(JSONObject(zip(children, values).map { ($0.name, json($1, field: $0)) }))
        case (.map(let keys, let values), .map(let keyField, let valueField)):
            return .object(JSONObject(zip(keys, values).map { ((cell($0, field: keyField).text ?? ""), json($1, field: valueField)) }))
        default:
            switch cell(value, field: field) {
            case .null: return .null
            case .bool(let flag): return .bool(flag)
            case .int(let number): return .int(number)
            case .double(let number): return number.isFinite ? .double(number) : .string("\(number)")
            case .decimal(let text): return .bigNumber(text)
            case .json(let nested): return nested
            case let other: return other.text.map { .string($0) } ?? .null
            }
        }
    }
}
