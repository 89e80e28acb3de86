/// UTC offsets of IANA zones (`Pacific/Tarawa`), read from the system's TZif files.
enum TimeZoneDatabase {
    static func utcOffset(identifier: String, at instant: PyDateTime) -> Int? {
        if identifier == "UTC" || identifier == "Etc/UTC" || identifier == "GMT" { return 0 }
        guard !identifier.contains(".."), let bytes = readFile("/usr/share/zoneinfo/" + identifier) else { return nil }
        return TZif(bytes)?.offset(atUTCSeconds: instant.utcMicroseconds / 1_000_000)
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }

    /// The parts of a TZif file (RFC 8536) needed to find the offset at an instant.
    private struct TZif {
        var transitions: [Int64] = []
        var transitionTypes: [Int] = []
        var offsets: [Int] = []

        init?(_ bytes: [UInt8]) {
            guard bytes.count > 44, bytes[0...3].elementsEqual(Array("TZif".utf8)) else { return nil }
            func count(_ at: Int) -> Int {
                Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            }
            let version = bytes[4]
            var header = 0
            var timeSize = 4
            if version >= UInt8(ascii: "2") {
                // Skip the 32-bit block to the 64-bit one.
                let v1 = (count(20), count(24), count(28), count(32), count(36), count(40))
                header = 44 + v1.3 * 4 + v1.3 + v1.4 * 6 + v1.5 + v1.2 * 8 + v1.1 + v1.0
                timeSize = 8
            }
            guard bytes.count > header + 44 else { return nil }
            let typeCount = count(header + 36)
            let transitionCount = count(header + 32)
            var position = header + 44
            for _ in 0..<transitionCount {
                var value: Int64 = 0
                for offset in 0..<timeSize { value = value << 8 | Int64(bytes[position + offset]) }
                if timeSize == 4 { value = Int64(Int32(truncatingIfNeeded: value)) }
                transitions.append(value)
                position += timeSize
            }
            for _ in 0..<transitionCount {
                transitionTypes.append(Int(bytes[position]))
                position += 1
            }
            for _ in 0..<typeCount {
                let raw = count(position)
                offsets.append(Int(Int32(truncatingIfNeeded: raw)))
                position += 6
            }
            guard !offsets.isEmpty else { return nil }
        }

        func offset(atUTCSeconds seconds: Int64) -> Int {
            guard let index = transitions.lastIndex(where: { $0 <= seconds }) else { return offsets[0] }
            return offsets[transitionTypes[index]]
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
