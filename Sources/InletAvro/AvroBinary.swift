/// Avro's binary encoding: zig-zag varints, little-endian floats, length-prefixed bytes and strings.
struct AvroEncoder {
    var bytes: [UInt8] = []

    mutating func encode(_ value: AvroValue, as schema: AvroSchema, at path: String = "") throws(AvroError) {
        switch (schema, value) {
        case (.null, .null): break
        case (.boolean, .boolean(let flag)): bytes.append(flag ? 1 : 0)
        case (.int, .int(let number)): varint(Int64(number))
        case (.long, .long(let number)): varint(number)
        case (.long, .int(let number)): varint(Int64(number))
        case (.float, .float(let number)): withUnsafeBytes(of: number.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        case (.double, .double(let number)): withUnsafeBytes(of: number.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        case (.bytes, .bytes(let data)):
            varint(Int64(data.count))
            bytes.append(contentsOf: data)
        case (.string, .string(let text)):
            let utf8 = Array(text.utf8)
            varint(Int64(utf8.count))
            bytes.append(contentsOf: utf8)
        case (.record(let name, let fields), .record(let values)):
            guard fields.count == values.count else {
                throw .valueDoesNotFitSchema("\(path.isEmpty ? name : path): \(values.count) values for \(fields.count) fields")
            }
            for (field, fieldValue) in zip(fields, values) {
                try encode(fieldValue, as: field.schema, at: path.isEmpty ? field.name : path + "." + field.name)
            }
        case (.array(let items, _, _), .array(let elements)):
            if !elements.isEmpty {
                varint(Int64(elements.count))
                for element in elements { try encode(element, as: items, at: path + "[]") }
            }
            varint(0)
        case (.map(let values), .map(let entries)):
            if !entries.isEmpty {
                varint(Int64(entries.count))
                for (key, entry) in entries {
                    try encode(.string(key), as: .string)
                    try encode(entry, as: values, at: path + "{}")
                }
            }
            varint(0)
        case (.union(let branches), .union(let branch, let inner)) where branches.indices.contains(branch):
            varint(Int64(branch))
            try encode(inner, as: branches[branch], at: path)
        case (.union(let branches), _):
            // A bare value goes to the first branch it fits: `null` to the null branch, else the other.
            let branch = value == .null ? branches.firstIndex(of: .null) : branches.firstIndex { $0 != .null }
            guard let branch else { throw .valueDoesNotFitSchema("\(path): no union branch for \(value)") }
            try encode(.union(branch: branch, value), as: schema, at: path)
        default:
            throw .valueDoesNotFitSchema("\(path): \(value) is not a \(schema.json)")
        }
    }

    mutating func varint(_ value: Int64) {
        var remaining = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }
}

/// Reads Avro's binary encoding against the schema it was written with.
struct AvroDecoder {
    let bytes: [UInt8]
    var position: Int

    init(_ bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var isAtEnd: Bool { position >= bytes.count }

    mutating func decode(_ schema: AvroSchema) throws(AvroError) -> AvroValue {
        switch schema {
        case .null: return .null
        case .boolean: return .boolean(try byte() != 0)
        case .int:
            let value = try varint()
            guard let narrow = Int32(exactly: value) else { throw .corrupt("int out of range at byte \(position)") }
            return .int(narrow)
        case .long: return .long(try varint())
        case .float: return .float(Float(bitPattern: UInt32(littleEndian: try fixed(4))))
        case .double: return .double(Double(bitPattern: UInt64(littleEndian: try fixed(8))))
        case .bytes: return .bytes(try lengthPrefixed())
        case .string: return .string(String(decoding: try lengthPrefixed(), as: UTF8.self))
        case .record(_, let fields):
            var values: [AvroValue] = []
            values.reserveCapacity(fields.count)
            for field in fields { values.append(try decode(field.schema)) }
            return .record(values)
        case .array(let items, _, _):
            var elements: [AvroValue] = []
            try forEachBlockItem { (decoder: inout AvroDecoder) throws(AvroError) in elements.append(try decoder.decode(items)) }
            return .array(elements)
        case .map(let values):
            var entries: [(String, AvroValue)] = []
            try forEachBlockItem { (decoder: inout AvroDecoder) throws(AvroError) in
                guard case .string(let key) = try decoder.decode(.string) else { return }
                entries.append((key, try decoder.decode(values)))
            }
            return .map(entries)
        case .union(let branches):
            let branch = Int(try varint())
            guard branches.indices.contains(branch) else { throw .corrupt("union branch \(branch) of \(branches.count)") }
            return .union(branch: branch, try decode(branches[branch]))
        }
    }

    /// Array and map blocks: a count (negative: followed by the block's byte size), items, a zero count.
    private mutating func forEachBlockItem(_ body: (inout AvroDecoder) throws(AvroError) -> Void) throws(AvroError) {
        while true {
            var count = try varint()
            if count == 0 { return }
            if count < 0 {
                count = -count
                _ = try varint()
            }
            for _ in 0..<count { try body(&self) }
        }
    }

    mutating func varint() throws(AvroError) -> Int64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            result |= UInt64(next & 0x7F) << shift
            if next & 0x80 == 0 { break }
            shift += 7
            guard shift < 64 else { throw .corrupt("varint longer than 10 bytes at byte \(position)") }
        }
        return Int64(bitPattern: result >> 1) ^ -Int64(bitPattern: result & 1)
    }

    mutating func byte() throws(AvroError) -> UInt8 {
        guard position < bytes.count else { throw .truncated("at byte \(position)") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func take(_ count: Int) throws(AvroError) -> ArraySlice<UInt8> {
        guard count >= 0, position + count <= bytes.count else { throw .truncated("\(count) bytes wanted at byte \(position)") }
        defer { position += count }
        return bytes[position..<position + count]
    }

    private mutating func lengthPrefixed() throws(AvroError) -> [UInt8] {
        Array(try take(Int(try varint())))
    }

    private mutating func fixed<T: FixedWidthInteger>(_ size: Int) throws(AvroError) -> T {
        let slice = try take(size)
        var value: T = 0
        for (index, byte) in slice.enumerated() { value |= T(byte) << (8 * index) }
        return value
    }
}
