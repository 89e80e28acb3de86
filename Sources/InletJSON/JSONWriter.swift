/// Writes compact JSON text as UTF-8, the way the Airbyte CDK's orjson does: no whitespace, non-ASCII
/// characters as they are, and only `"`, `\` and control characters escaped.
///
/// The writer appends to one growing buffer, so a caller can write many messages into it and flush
/// the bytes in bulk. Non-finite doubles, which JSON cannot express, are written as `null`.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    /// Empties the buffer and keeps its capacity.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Hands out the bytes written so far and empties the writer.
    public mutating func takeBytes() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }

    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: writeRaw("null")
        case .bool(let flag): writeRaw(flag ? "true" : "false")
        case .int(let integer): write(integer)
        case .double(let double): write(double)
        case .bigNumber(let literal): writeRaw(literal)
        case .string(let string): writeQuoted(string)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            write(object)
        }
    }

    public mutating func write(_ object: JSONObject) {
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for entry in object.entries {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            writeQuoted(entry.key)
            bytes.append(UInt8(ascii: ":"))
            write(entry.value)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func write(_ integer: Int64) {
        if integer >= 0 && integer < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(integer))
            return
        }
        // Digits are produced backwards into a small stack buffer, then copied once.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var magnitude = integer.magnitude
            var index = 20
            repeat {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude != 0
            if integer < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[index..<20]))
        }
    }

    public mutating func write(_ double: Double) {
        guard double.isFinite else {
            writeRaw("null")
            return
        }
        // Swift's shortest round-trip form is also Python's repr: `1.0`, `1e+16`, `1e-05`.
        writeRaw(double.description)
    }

    /// Writes `string` as a quoted, escaped JSON string.
    public mutating func writeQuoted(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in appendEscaped(utf8) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends text that is already valid JSON (or a fragment of it) unchanged.
    public mutating func writeRaw(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    public mutating func writeRaw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    public mutating func writeRaw(_ byte: UInt8) {
        bytes.append(byte)
    }

    public mutating func writeRaw(_ raw: some Collection<UInt8>) {
        bytes.append(contentsOf: raw)
    }

    public mutating func writeRaw(_ raw: ArraySlice<UInt8>) {
        raw.withUnsafeBufferPointer { bytes.append(contentsOf: $0) }
    }

    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var index = 0
        let count = utf8.count
        guard let base = utf8.baseAddress else { return }
        while index < count {
            // Skip eight bytes at a time while none needs escaping.
            while index + 8 <= count, !Self.mayNeedEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                index += 8
            }
            guard index < count else { break }
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            if runStart < index {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            }
            appendEscape(for: byte)
            index += 1
            runStart = index
        }
        if runStart < count {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count]))
        }
    }

    /// Whether any byte of `word` is a quote, a backslash or a control character; false positives are
    /// possible (the byte loop decides), false negatives are not.
    @inline(__always)
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let hasControl = (word &- ones &* 0x20) & ~word
        return (hasQuote | hasBackslash | hasControl) & 0x8080_8080_8080_8080 != 0
    }

    private mutating func appendEscape(for byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hexDigits: StaticString = "0123456789abcdef"
            bytes.append(contentsOf: [
                UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                hexDigits.utf8Start[Int(byte >> 4)], hexDigits.utf8Start[Int(byte & 0xF)],
            ])
        }
    }
}

extension JSONWriter {
    /// The compact JSON text of `value`.
    public static func string(from value: JSONValue) -> String {
        var writer = JSONWriter(capacity: 256)
        writer.write(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The compact JSON text of `value` as UTF-8 bytes.
    public static func bytes(from value: JSONValue) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.write(value)
        return writer.bytes
    }
}
