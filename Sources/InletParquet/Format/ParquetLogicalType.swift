/// What a column's stored values mean (the format's `LogicalType`, with the older `ConvertedType`
/// written beside it for readers that only know that).
public enum ParquetLogicalType: Sendable, Equatable {
    case string
    case json
    /// Days since 1970-01-01 in an INT32.
    case date
    /// Microseconds since the epoch in an INT64; `adjustedToUTC` is Iceberg's `timestamptz`.
    case timestampMicros(adjustedToUTC: Bool)
    /// Milliseconds or nanoseconds since the epoch in an INT64, as other writers store them (read only).
    case timestampMillis(adjustedToUTC: Bool)
    case timestampNanos(adjustedToUTC: Bool)
    /// Microseconds since midnight in an INT64.
    case timeMicros
    /// An unscaled integer (INT32, INT64, or big-endian two's complement in a FIXED_LEN_BYTE_ARRAY).
    case decimal(precision: Int32, scale: Int32)
    /// Sixteen bytes in a FIXED_LEN_BYTE_ARRAY.
    case uuid

    /// The older annotation, where there is one.
    var convertedType: Int32? {
        switch self {
        case .string: return 0          // UTF8
        case .json: return 19           // JSON
        case .date: return 6            // DATE
        case .timestampMicros: return 10 // TIMESTAMP_MICROS
        case .timestampMillis: return 9 // TIMESTAMP_MILLIS
        case .timestampNanos: return nil
        case .timeMicros: return 8      // TIME_MICROS
        case .decimal: return 5         // DECIMAL
        case .uuid: return nil
        }
    }

    func write(to writer: inout ThriftCompactWriter) {
        switch self {
        case .string: writer.field(1, structure: { _ in })
        case .json: writer.field(12, structure: { _ in })
        case .date: writer.field(6, structure: { _ in })
        case .timestampMicros(let adjustedToUTC):
            writer.field(8) { timestamp in
                timestamp.field(1, adjustedToUTC)
                timestamp.field(2) { unit in unit.field(2, structure: { _ in }) }
            }
        case .timestampMillis(let adjustedToUTC), .timestampNanos(let adjustedToUTC):
            let unitField: Int16 = { if case .timestampMillis = self { return 1 } else { return 3 } }()
            writer.field(8) { timestamp in
                timestamp.field(1, adjustedToUTC)
                timestamp.field(2) { unit in unit.field(unitField, structure: { _ in }) }
            }
        case .timeMicros:
            writer.field(7) { time in
                time.field(1, false)
                time.field(2) { unit in unit.field(2, structure: { _ in }) }
            }
        case .decimal(let precision, let scale):
            writer.field(5) { decimal in
                decimal.field(1, scale)
                decimal.field(2, precision)
            }
        case .uuid: writer.field(14, structure: { _ in })
        }
    }

    /// Reads the annotation of a footer schema element (the logical type, else the converted type).
    static func read(from element: ThriftValue) -> ParquetLogicalType? {
        if let logical = element[10] {
            if logical[1] != nil { return .string }
            if logical[12] != nil { return .json }
            if logical[6] != nil { return .date }
            if let timestamp = logical[8] {
                let adjusted = timestamp[1]?.bool ?? false
                if timestamp[2]?[1] != nil { return .timestampMillis(adjustedToUTC: adjusted) }
                if timestamp[2]?[3] != nil { return .timestampNanos(adjustedToUTC: adjusted) }
                return .timestampMicros(adjustedToUTC: adjusted)
            }
            if let time = logical[7], time[2]?[2] != nil { return .timeMicros }
            if let decimal = logical[5] {
                return .decimal(precision: Int32(decimal[2]?.integer ?? 0), scale: Int32(decimal[1]?.integer ?? 0))
            }
            if logical[14] != nil { return .uuid }
        }
        switch element[6]?.integer {
        case 0?: return .string
        case 19?: return .json
        case 6?: return .date
        case 9?: return .timestampMillis(adjustedToUTC: true)
        case 10?: return .timestampMicros(adjustedToUTC: true)
        case 8?: return .timeMicros
        case 5?: return .decimal(precision: Int32(element[8]?.integer ?? 0), scale: Int32(element[7]?.integer ?? 0))
        default: return nil
        }
    }
}
