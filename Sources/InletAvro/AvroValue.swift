/// A value of an Avro schema. Records hold their fields in schema order; a union value names its branch.
public indirect enum AvroValue: Sendable, Equatable {
    case null
    case boolean(Bool)
    case int(Int32)
    case long(Int64)
    case float(Float)
    case double(Double)
    case bytes([UInt8])
    case string(String)
    case record([AvroValue])
    case array([AvroValue])
    case map([(String, AvroValue)])
    case union(branch: Int, AvroValue)

    public static func == (lhs: AvroValue, rhs: AvroValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.long(let a), .long(let b)): return a == b
        case (.float(let a), .float(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.record(let a), .record(let b)), (.array(let a), .array(let b)): return a == b
        case (.map(let a), .map(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.union(let i, let a), .union(let j, let b)): return i == j && a == b
        default: return false
        }
    }

    /// The value of an optional (`["null", T]`) field: nil for null.
    public var unwrapped: AvroValue? {
        switch self {
        case .union(_, .null), .null: return nil
        case .union(_, let value): return value
        default: return self
        }
    }

    public var longValue: Int64? {
        switch unwrapped {
        case .long(let value)?: return value
        case .int(let value)?: return Int64(value)
        default: return nil
        }
    }

    public var stringValue: String? {
        if case .string(let value)? = unwrapped { return value }
        return nil
    }
}
