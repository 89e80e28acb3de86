#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One non-null value of a field: a primitive in its column's physical type, or the contents of a
/// list, struct or map field.
public enum ParquetValue: Sendable, Hashable {
    case boolean(Bool)
    case int32(Int32)
    case int64(Int64)
    case float(Float)
    case double(Double)
    /// A BYTE_ARRAY value given as text (written as its UTF-8 bytes).
    case string(String)
    case bytes([UInt8])
    case list([ParquetValue?])
    /// A struct's values, in the order of its fields.
    case structure([ParquetValue?])
    /// A map's entries: keys (never null) and their values, position for position.
    case map(keys: [ParquetValue], values: [ParquetValue?])

    /// The physical type of a primitive; nil for a list, struct or map.
    var physicalType: ParquetPhysicalType? {
        switch self {
        case .boolean: return .boolean
        case .int32: return .int32
        case .int64: return .int64
        case .float: return .float
        case .double: return .double
        case .string, .bytes: return .byteArray
        case .list, .structure, .map: return nil
        }
    }

    /// What kind of value this is, for messages: a physical type's name, or list, struct or map.
    public var kindName: String {
        switch self {
        case .list: return "list"
        case .structure: return "struct"
        case .map: return "map"
        default: return physicalType.map { "\($0)" } ?? ""
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
        case .list, .structure, .map: return []
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

extension Optional where Wrapped == ParquetValue {
    /// Whether this is null or a primitive of `type`, matched in place.
    @inline(__always)
    func fits(_ type: ParquetPhysicalType) -> Bool {
        switch self {
        case nil: return true
        case .boolean?: return type == .boolean
        case .int32?: return type == .int32
        case .int64?: return type == .int64
        case .float?: return type == .float
        case .double?: return type == .double
        case .string?: return type == .byteArray
        case .bytes?: return type == .byteArray || type == .fixedLengthByteArray
        case .list?, .structure?, .map?: return false
        }
    }
}

extension ParquetValue {
    /// Refuses a non-null value that a primitive column of `type` (values of `length` bytes, for
    /// fixed-length columns) cannot store.
    func check(_ type: ParquetPhysicalType, length: Int32?, column: String) throws(ParquetError) {
        guard Optional(self).fits(type) else { throw .typeMismatch(column: column, expected: "\(type)", got: kindName) }
        if let length, case .bytes(let bytes) = self, bytes.count != Int(length) {
            throw .typeMismatch(column: column, expected: "\(length)-byte", got: "\(bytes.count)-byte")
        }
    }
}
