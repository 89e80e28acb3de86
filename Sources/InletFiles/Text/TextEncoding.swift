import Foundation

/// A text file's encoding: from its byte-order mark, else UTF-8 when its start is valid UTF-8, else
/// Windows-1252 (the superset of Latin-1 that spreadsheet exports on Windows write).
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "UTF-8"
    case utf16LittleEndian = "UTF-16LE"
    case utf16BigEndian = "UTF-16BE"
    case windows1252 = "Windows-1252"

    /// A user's name for an encoding: `utf-8`, `utf8`, `utf-16le`, `utf-16be`, `windows-1252`,
    /// `cp1252`, `latin-1`, `iso-8859-1`.
    public init(name: String) throws(FileImportError) {
        switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "utf-8", "utf8": self = .utf8
        case "utf-16le", "utf16le", "utf-16", "utf16": self = .utf16LittleEndian
        case "utf-16be", "utf16be": self = .utf16BigEndian
        case "windows-1252", "cp1252", "latin-1", "latin1", "iso-8859-1": self = .windows1252
        default: throw FileImportError("unknown encoding '\(name)' (expected utf-8, utf-16le, utf-16be or windows-1252)")
        }
    }

    /// The encoding its first bytes say, and how long its byte-order mark is.
    static func detect(_ start: [UInt8]) -> (encoding: TextEncoding, bomLength: Int) {
        if start.starts(with: [0xEF, 0xBB, 0xBF]) { return (.utf8, 3) }
        if start.starts(with: [0xFF, 0xFE]) { return (.utf16LittleEndian, 2) }
        if start.starts(with: [0xFE, 0xFF]) { return (.utf16BigEndian, 2) }
        return (UTF8Validation.isValid(start, allowTruncatedEnd: true) ? .utf8 : .windows1252, 0)
    }
}

enum UTF8Validation {
    /// Whether `bytes` are valid UTF-8; with `allowTruncatedEnd`, a sequence cut by the end counts as valid.
    static func isValid(_ bytes: [UInt8], allowTruncatedEnd: Bool) -> Bool {
        bytes.withUnsafeBufferPointer { firstInvalid(in: $0, allowTruncatedEnd: allowTruncatedEnd) == nil }
    }

    /// The offset of the first byte that is not valid UTF-8, or nil. A sequence cut short by the
    /// end is invalid unless `allowTruncatedEnd`.
    static func firstInvalid(in bytes: UnsafeBufferPointer<UInt8>, allowTruncatedEnd: Bool) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var minimum: UInt32
            switch lead {
            case 0xC2...0xDF: length = 2; minimum = 0x80
            case 0xE0...0xEF: length = 3; minimum = 0x800
            case 0xF0...0xF4: length = 4; minimum = 0x10000
            default: return index
            }
            if index + length > count {
                guard allowTruncatedEnd else { return index }
                for next in (index + 1)..<count where bytes[next] & 0xC0 != 0x80 { return index }
                return nil
            }
            var scalar = UInt32(lead) & (0xFF >> (length + 1))
            for next in 1..<length {
                let byte = bytes[index + next]
                guard byte & 0xC0 == 0x80 else { return index }
                scalar = scalar << 6 | UInt32(byte & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return index }
            minimum = 0
            index += length
        }
        return nil
    }
}

/// Turns a file's bytes in one encoding into UTF-8, chunk by chunk, keeping a character cut by a
/// chunk's end for the next one. UTF-8 input is checked, never repaired: a byte that is not UTF-8 is
/// an error naming its offset, not a replacement character.
struct UTF8Transcoder {
    let encoding: TextEncoding
    private var carry: [UInt8] = []
    /// Input bytes consumed before the current chunk, for error offsets.
    private var consumed = 0
    let bomLength: Int

    init(encoding: TextEncoding, bomLength: Int) {
        self.encoding = encoding
        self.bomLength = bomLength
        consumed = bomLength
    }

    /// The UTF-8 of `chunk` (after what was carried over); `final` when no more input follows.
    mutating func transcode(_ chunk: [UInt8], final: Bool) throws(FileImportError) -> [UInt8] {
        var input = carry
        input += chunk
        carry = []
        defer { consumed += input.count - carry.count }
        switch encoding {
        case .utf8:
            return try input.withUnsafeBufferPointer { bytes throws(FileImportError) -> [UInt8] in
                guard let bad = UTF8Validation.firstInvalid(in: bytes, allowTruncatedEnd: !final) else {
                    let keep = final ? 0 : Self.truncatedTail(bytes)
                    carry = Array(bytes[(bytes.count - keep)...])
                    return Array(bytes[..<(bytes.count - keep)])
                }
                throw FileImportError("byte \(consumed + bad) is not UTF-8 (0x\(String(bytes[bad], radix: 16, uppercase: true))); "
                                      + "the file's start read as UTF-8: give its encoding (e.g. windows-1252)")
            }
        case .windows1252:
            var output: [UInt8] = []
            output.reserveCapacity(input.count + input.count / 8)
            for byte in input {
                if byte < 0x80 {
                    output.append(byte)
                } else {
                    let scalar = byte >= 0xA0 || byte < 0x80 ? UInt32(byte) : Self.windows1252High[Int(byte - 0x80)]
                    Self.appendUTF8(scalar, to: &output)
                }
            }
            return output
        case .utf16LittleEndian, .utf16BigEndian:
            var output: [UInt8] = []
            output.reserveCapacity(input.count)
            var index = 0
            let littleEndian = encoding == .utf16LittleEndian
            func unit(_ at: Int) -> UInt32 {
                littleEndian ? UInt32(input[at]) | UInt32(input[at + 1]) << 8 : UInt32(input[at]) << 8 | UInt32(input[at + 1])
            }
            while index + 1 < input.count {
                let first = unit(index)
                if (0xD800...0xDBFF).contains(first) {
                    guard index + 3 < input.count else { break }
                    let second = unit(index + 2)
                    guard (0xDC00...0xDFFF).contains(second) else {
                        throw FileImportError("byte \(consumed + index) is a lone UTF-16 surrogate")
                    }
                    Self.appendUTF8(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00), to: &output)
                    index += 4
                } else if (0xDC00...0xDFFF).contains(first) {
                    throw FileImportError("byte \(consumed + index) is a lone UTF-16 surrogate")
                } else {
                    Self.appendUTF8(first, to: &output)
                    index += 2
                }
            }
            carry = Array(input[index...])
            if final, !carry.isEmpty { throw FileImportError("the file ends inside a UTF-16 character") }
            return output
        }
    }

    /// How many bytes at the end start a sequence that continues in the next chunk.
    private static func truncatedTail(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var back = 0
        while back < min(3, bytes.count) {
            let byte = bytes[bytes.count - 1 - back]
            if byte & 0xC0 != 0x80 {
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                return length > back + 1 ? back + 1 : 0
            }
            back += 1
        }
        return 0
    }

    static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80: output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Windows-1252's 0x80–0x9F (the five undefined bytes kept as the C1 controls, as Python's
    /// `cp1252` with errors would not: they are rare, and dropping them would lose data).
    static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]
}
