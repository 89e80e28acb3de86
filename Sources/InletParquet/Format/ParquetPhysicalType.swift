/// How Parquet stores a column's values (the format's `Type`).
public enum ParquetPhysicalType: Int32, Sendable {
    case boolean = 0
    case int32 = 1
    case int64 = 2
    case float = 4
    case double = 5
    case byteArray = 6
    /// Byte arrays of one length, given by the column's `typeLength`.
    case fixedLengthByteArray = 7
}
