#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One non-null value of a column, in the column's physical type.
public enum ParquetValue: Sendable, Hashable {
    case boolean(Bool)
    case int32(Int32)
    case int64(Int64)
    case float(Float)
    case double(Double)
    /// A BYTE_ARRAY value given as text (written as its UTF-8 bytes).
    case string(String)
    case bytes([UInt8])

    var physicalType: ParquetPhysicalType {
        switch self {
        case .boolean: return .boolean
        case .int32: return .int32
        case .int64: return .int64
        case .float: return .float
        case .double: return .double
        case .string, .bytes: return .byteArray
        }
    }

    /// The value's PLAIN encoding without the length prefix of byte arrays: the form Parquet
    /// statistics take, and Iceberg's single-value serialisation of bounds (spec appendix D).
    public var singleValueBytes: [UInt8] {
        switch self {
        case .boolean(let flag): return [flag ? 1 : 0]
        case .int32(let value): return withUnsafeBytes(of: value.littleEndian, Array.init)
        case .int64(let value): return withUnsafeBytes(of: value.littleEndian, Array.init)
        case .float(let value): return withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
        case .double(let value): return withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
        case .string(let text): return Array(text.utf8)
        case .bytes(let bytes): return bytes
        }
    }

    /// Whether `self` sorts before `other` in the column's type-defined order (byte arrays compare as
    /// unsigned bytes). Both are of the same type.
    public func precedes(_ other: ParquetValue) -> Bool {
        switch (self, other) {
        case (.boolean(let a), .boolean(let b)): return !a && b
        case (.int32(let a), .int32(let b)): return a < b
        case (.int64(let a), .int64(let b)): return a < b
        case (.float(let a), .float(let b)): return a < b
        case (.double(let a), .double(let b)): return a < b
        case (.string(var a), .string(var b)):
            return a.withUTF8 { left in b.withUTF8 { right in Self.bytesPrecede(left, right) } }
        case (.bytes(let a), .bytes(let b)): return a.lexicographicallyPrecedes(b)
        default: return singleValueBytes.lexicographicallyPrecedes(other.singleValueBytes)
        }
    }

    /// Unsigned byte order, as Parquet's type-defined order compares byte arrays.
    static func bytesPrecede(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(left.count, right.count)
        if common > 0, let a = left.baseAddress, let b = right.baseAddress {
            let order = memcmp(a, b, common)
            if order != 0 { return order < 0 }
        }
        return left.count < right.count
    }

    static func bytesPrecede(_ left: UnsafeBufferPointer<UInt8>, _ right: [UInt8]) -> Bool {
        right.withUnsafeBufferPointer { bytesPrecede(left, $0) }
    }

    /// NaN takes no part in minimum and maximum, as the format asks.
    var isNaN: Bool {
        switch self {
        case .float(let value): return value.isNaN
        case .double(let value): return value.isNaN
        default: return false
        }
    }
}
