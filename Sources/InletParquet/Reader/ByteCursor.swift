/// Reads bytes and unsigned LEB128 varints front to back, for the Thrift and hybrid decoders.
struct ByteCursor {
    let bytes: ArraySlice<UInt8>
    var position: Int

    init(_ bytes: ArraySlice<UInt8>, at position: Int? = nil) {
        self.bytes = bytes
        self.position = position ?? bytes.startIndex
    }

    mutating func byte() throws(ParquetError) -> UInt8 {
        guard position < bytes.endIndex else { throw .corrupt("data ends early at byte \(position)") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() throws(ParquetError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            result |= UInt64(next & 0x7F) << shift
            if next & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { throw .corrupt("a varint longer than 10 bytes at byte \(position)") }
        }
    }
}
