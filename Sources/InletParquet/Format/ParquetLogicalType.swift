/// What a column's stored values mean (the format's `LogicalType`, with the older `ConvertedType`
/// written beside it for readers that only know that).
public enum ParquetLogicalType: Sendable, Equatable {
    case string
    case json
    /// Days since 1970-01-01 in an INT32.
    case date
    /// Microseconds since the epoch in an INT64; `adjustedToUTC` is Iceberg's `timestamptz`.
    case timestampMicros(adjustedToUTC: Bool)

    var convertedType: Int32 {
        switch self {
        case .string: return 0          // UTF8
        case .json: return 19           // JSON
        case .date: return 6            // DATE
        case .timestampMicros: return 10 // TIMESTAMP_MICROS
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
        }
    }
}
