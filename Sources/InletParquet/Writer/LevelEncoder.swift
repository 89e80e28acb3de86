/// The RLE / bit-packed hybrid encoding of definition levels of bit width 1 (flat optional columns):
/// runs of eight or more equal levels as RLE runs, the rest bit-packed eight to a byte.
enum LevelEncoder {
    static func encode(_ levels: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var packed: [UInt8] = []
        func flushPacked() {
            guard !packed.isEmpty else { return }
            appendVarint(UInt64(packed.count) << 1 | 1, to: &output)
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
                output.append(levels[index])
                index += run
            } else {
                // One group of eight; past the end the padding is ignored by readers.
                var byte: UInt8 = 0
                for bit in 0..<8 where index + bit < levels.count && levels[index + bit] != 0 { byte |= 1 << UInt8(bit) }
                packed.append(byte)
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
