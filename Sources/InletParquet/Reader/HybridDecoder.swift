/// Decodes Parquet's RLE / bit-packed hybrid encoding (levels and dictionary indices).
struct HybridDecoder {
    private var cursor: ByteCursor
    private let bitWidth: Int

    init(_ bytes: ArraySlice<UInt8>, bitWidth: Int) {
        cursor = ByteCursor(bytes)
        self.bitWidth = bitWidth
    }

    /// The next `count` values.
    mutating func decode(_ count: Int) throws(ParquetError) -> [UInt32] {
        var values: [UInt32] = []
        values.reserveCapacity(count)
        guard bitWidth > 0 else { return [UInt32](repeating: 0, count: count) }
        guard bitWidth <= 32 else { throw .corrupt("bit width \(bitWidth)") }
        while values.count < count {
            let header = try cursor.varint()
            if header & 1 == 0 {
                let run = Int(header >> 1)
                var value: UInt32 = 0
                for index in 0..<(bitWidth + 7) / 8 { value |= UInt32(try cursor.byte()) << (8 * UInt32(index)) }
                values.append(contentsOf: repeatElement(value, count: min(run, count - values.count)))
            } else {
                let groups = Int(header >> 1)
                let byteCount = groups * bitWidth
                let position = cursor.position
                guard position + byteCount <= cursor.bytes.endIndex else { throw .corrupt("bit-packed run past the page") }
                var bitOffset = 0
                for _ in 0..<groups * 8 {
                    var value: UInt32 = 0
                    for bit in 0..<bitWidth {
                        let absolute = bitOffset + bit
                        if cursor.bytes[position + absolute / 8] >> UInt8(absolute % 8) & 1 == 1 { value |= 1 << UInt32(bit) }
                    }
                    bitOffset += bitWidth
                    if values.count < count { values.append(value) }
                }
                cursor.position += byteCount
            }
        }
        return values
    }
}
