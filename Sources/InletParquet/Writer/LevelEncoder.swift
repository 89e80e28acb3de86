/// The RLE / bit-packed hybrid encoding, for definition levels (bit width 1) and dictionary indices:
/// runs of eight or more equal values as RLE runs, the rest bit-packed in groups of eight.
enum LevelEncoder {
    /// The bits needed for values up to `maximum` (at least one).
    static func bitWidth(of maximum: Int) -> Int {
        max(1, Int.bitWidth - max(maximum, 0).leadingZeroBitCount)
    }

    static func encode<Level: FixedWidthInteger>(_ levels: [Level], bitWidth: Int) -> [UInt8] {
        var output: [UInt8] = []
        var packed: [UInt8] = []
        func flushPacked() {
            guard !packed.isEmpty else { return }
            appendVarint(UInt64(packed.count / bitWidth) << 1 | 1, to: &output)
            output.append(contentsOf: packed)
            packed.removeAll(keepingCapacity: true)
        }
        var index = 0
        while index < levels.count {
            var run = 1
            while index + run < levels.count && levels[index + run] == levels[index] { run += 1 }
            if run >= 8 {
                flushPacked()
                appendVarint(UInt64(run) << 1, to: &output)
                for byte in 0..<(bitWidth + 7) / 8 { output.append(UInt8(truncatingIfNeeded: levels[index] >> (8 * UInt32(byte)))) }
                index += run
            } else {
                // One group of eight values, least significant bits first; past the end the
                // padding is ignored by readers.
                var accumulator: UInt64 = 0
                var bits = 0
                for offset in 0..<8 {
                    let value = index + offset < levels.count ? UInt64(levels[index + offset]) : 0
                    accumulator |= value << UInt64(bits)
                    bits += bitWidth
                    while bits >= 8 {
                        packed.append(UInt8(truncatingIfNeeded: accumulator))
                        accumulator >>= 8
                        bits -= 8
                    }
                }
                index += 8
            }
        }
        flushPacked()
        return output
    }

    static func appendVarint(_ value: UInt64, to output: inout [UInt8]) {
        var remaining = value
        while remaining >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        output.append(UInt8(remaining))
    }
}
