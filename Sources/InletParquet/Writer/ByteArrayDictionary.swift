#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The distinct byte-array values of a column chunk, PLAIN-encoded in insertion order (the
/// dictionary page's body), found again by an open-addressing table over their bytes: no `String`
/// or `Hasher` on the way, one hash and one `memcmp` per value.
struct ByteArrayDictionary {
    /// The dictionary page's body: each value length-prefixed.
    private(set) var encoded: [UInt8] = []
    /// Where each value's bytes (after its length) start in `encoded`, and their length.
    private var spans: [(start: Int, count: Int)] = []
    private var hashes: [UInt64] = []
    /// Value index + 1 per slot; 0 is empty. The capacity is a power of two, at most half full.
    private var slots = [UInt32](repeating: 0, count: 256)

    var count: Int { spans.count }
    var isEmpty: Bool { spans.isEmpty }

    /// The value's index, or nil with the hash to add it under.
    func find(_ bytes: UnsafeBufferPointer<UInt8>) -> (index: UInt32?, hash: UInt64) {
        let hash = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let index = Int(slots[slot] - 1)
            if hashes[index] == hash && matches(index, bytes) { return (UInt32(index), hash) }
            slot = (slot + 1) & mask
        }
        return (nil, hash)
    }

    /// Adds a value `find` did not find; returns its index.
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> UInt32 {
        let index = spans.count
        withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { encoded.append(contentsOf: $0) }
        spans.append((encoded.count, bytes.count))
        encoded.append(contentsOf: bytes)
        hashes.append(hash)
        if (index + 1) * 2 > slots.count { grow() } else { place(index) }
        return UInt32(index)
    }

    /// The PLAIN encoding of the value at `index` (length prefix included).
    func plainEncoding(of index: Int) -> ArraySlice<UInt8> {
        encoded[(spans[index].start - 4)..<(spans[index].start + spans[index].count)]
    }

    mutating func removeAll() {
        encoded.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
        hashes.removeAll(keepingCapacity: true)
        for slot in slots.indices { slots[slot] = 0 }
    }

    private func matches(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let span = spans[index]
        guard span.count == bytes.count else { return false }
        guard span.count > 0 else { return true }
        return encoded.withUnsafeBufferPointer { memcmp($0.baseAddress! + span.start, bytes.baseAddress!, span.count) == 0 }
    }

    private mutating func place(_ index: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hashes[index]) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = UInt32(index + 1)
    }

    private mutating func grow() {
        slots = [UInt32](repeating: 0, count: slots.count * 2)
        for index in spans.indices { place(index) }
    }

    /// A fast non-cryptographic hash over eight bytes at a time.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return hash }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(base[offset]) << shift
            shift += 8
            offset += 1
        }
        hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 29)
    }
}
