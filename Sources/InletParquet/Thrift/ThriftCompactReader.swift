/// A Thrift compact-protocol value read without a schema: enough to walk Parquet's footer and page
/// headers by field id.
indirect enum ThriftValue {
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case binary([UInt8])
    case list([ThriftValue])
    case structure([Int16: ThriftValue])

    subscript(field: Int16) -> ThriftValue? {
        if case .structure(let fields) = self { return fields[field] }
        return nil
    }

    var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var binary: [UInt8]? {
        if case .binary(let value) = self { return value }
        return nil
    }

    var string: String? { binary.map { String(decoding: $0, as: UTF8.self) } }

    var list: [ThriftValue] {
        if case .list(let values) = self { return values }
        return []
    }
}

/// Reads Thrift compact-protocol structs from bytes.
struct ThriftCompactReader {
    private var cursor: ByteCursor
    var position: Int { cursor.position }

    init(_ bytes: [UInt8], at position: Int = 0) {
        cursor = ByteCursor(bytes[...], at: position)
    }

    /// Reads one struct (fields up to its stop byte).
    mutating func readStruct(depth: Int = 0) throws(ParquetError) -> ThriftValue {
        guard depth < 64 else { throw .corrupt("Thrift structures nested too deeply") }
        var fields: [Int16: ThriftValue] = [:]
        var lastID: Int16 = 0
        while true {
            let header = try byte()
            if header == 0 { return .structure(fields) }
            let type = header & 0x0F
            let delta = Int16(header >> 4)
            let id: Int16
            if delta != 0 {
                id = lastID + delta
            } else {
                id = Int16(truncatingIfNeeded: zigzag(try varint()))
            }
            lastID = id
            fields[id] = try value(of: type, depth: depth)
        }
    }

    private mutating func value(of type: UInt8, depth: Int) throws(ParquetError) -> ThriftValue {
        switch type {
        case 1: return .bool(true)
        case 2: return .bool(false)
        case 3: return .integer(Int64(Int8(bitPattern: try byte())))
        case 4, 5, 6: return .integer(zigzag(try varint()))
        case 7:
            var raw: UInt64 = 0
            for index in 0..<8 { raw |= UInt64(try byte()) << (8 * UInt64(index)) }
            return .double(Double(bitPattern: raw))
        case 8:
            let length = Int(try varint())
            let start = cursor.position
            guard length >= 0, start + length <= cursor.bytes.endIndex else { throw .corrupt("a Thrift binary runs past its bytes") }
            cursor.position += length
            return .binary(Array(cursor.bytes[start..<start + length]))
        case 9, 10:
            let header = try byte()
            var count = Int(header >> 4)
            if count == 15 { count = Int(try varint()) }
            let elementType = header & 0x0F
            guard count <= cursor.bytes.endIndex - cursor.position + 1 else { throw .corrupt("a Thrift list longer than its bytes") }
            var elements: [ThriftValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count {
                // Booleans inside lists are one byte each.
                if elementType == 1 || elementType == 2 {
                    elements.append(.bool(try byte() == 1))
                } else {
                    elements.append(try value(of: elementType, depth: depth + 1))
                }
            }
            return .list(elements)
        case 12: return try readStruct(depth: depth + 1)
        default: throw .corrupt("Thrift type \(type) is not one Parquet uses")
        }
    }

    private mutating func byte() throws(ParquetError) -> UInt8 { try cursor.byte() }

    private mutating func varint() throws(ParquetError) -> UInt64 { try cursor.varint() }

    private func zigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}
