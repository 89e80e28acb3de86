public import InletParquet

/// Which rows an overwrite replaces, by the value of one column.
public enum RowFilter: Sendable {
    case equals(fieldID: Int32, ParquetValue)
    /// Both ends included.
    case between(fieldID: Int32, lower: ParquetValue, upper: ParquetValue)
    case isIn(fieldID: Int32, Set<ParquetValue>)

    var fieldID: Int32 {
        switch self {
        case .equals(let id, _), .between(let id, _, _), .isIn(let id, _): return id
        }
    }

    func matches(_ value: ParquetValue?) -> Bool {
        guard let value else { return false }
        switch self {
        case .equals(_, let wanted): return value == wanted
        case .between(_, let lower, let upper): return !value.precedes(lower) && !upper.precedes(value)
        case .isIn(_, let values): return values.contains(value)
        }
    }

    /// The smallest range holding every value the filter accepts.
    var range: IcebergTable.RowSelection.Range? {
        switch self {
        case .equals(let id, let value): return .init(fieldID: id, low: value, high: value)
        case .between(let id, let lower, let upper): return .init(fieldID: id, low: lower, high: upper)
        case .isIn(let id, let values):
            guard var low = values.first else { return nil }
            var high = low
            for value in values {
                if value.precedes(low) { low = value }
                if high.precedes(value) { high = value }
            }
            return .init(fieldID: id, low: low, high: high)
        }
    }
}
