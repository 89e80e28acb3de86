/// Why a Parquet file could not be written.
public enum ParquetError: Error, Sendable, Equatable, CustomStringConvertible {
    case rowWidth(expected: Int, got: Int)
    case typeMismatch(column: String, expected: String, got: String)
    case missingRequiredValue(column: String)
    case io(path: String, operation: String, errno: Int32)
    case compression(String)
    case closed
    case corrupt(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .rowWidth(let expected, let got): return "a row has \(got) values for \(expected) columns"
        case .typeMismatch(let column, let expected, let got):
            return "column '\(column)' stores \(expected) values, not \(got)"
        case .missingRequiredValue(let column): return "column '\(column)' is required but the row has no value for it"
        case .io(let path, let operation, let errno): return "\(operation) \(path) failed (errno \(errno))"
        case .compression(let detail): return "compression failed: \(detail)"
        case .closed: return "the file is already closed"
        case .corrupt(let detail): return "not a readable Parquet file: \(detail)"
        case .unsupported(let detail): return "not supported yet: \(detail)"
        }
    }
}
