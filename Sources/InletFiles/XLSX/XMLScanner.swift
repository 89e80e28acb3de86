import Foundation

/// A byte-level scanner for the XML of spreadsheet parts: elements, attributes and text, with the
/// five named entities and numeric references. Documents with a DTD are refused (no entity
/// expansion, so no billion laughs). It reads what it is given and says when a token runs past it,
/// so that a part can be scanned as it inflates.
struct XMLScanner {
    enum Token {
        /// `<name attributes>`; `selfClosing` for `<name/>`. Ranges are into the scanned bytes.
        case open(name: Range<Int>, attributes: Range<Int>, selfClosing: Bool)
        case close(name: Range<Int>)
        /// Character data (entities still encoded), or a CDATA section's content (`raw`).
        case text(Range<Int>, raw: Bool)
    }

    enum Outcome {
        case token(Token, next: Int)
        /// The bytes end inside a token.
        case incomplete
        case end
    }

    static func next(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, atEnd: Bool) throws(FileImportError) -> Outcome {
        var position = start
        let count = bytes.count
        while true {
            guard position < count else { return atEnd ? .end : .incomplete }
            if bytes[position] != UInt8(ascii: "<") {
                var end = position
                while end < count, bytes[end] != UInt8(ascii: "<") { end += 1 }
                if end == count, !atEnd { return .incomplete }
                return .token(.text(position..<end, raw: false), next: end)
            }
            guard position + 1 < count else { return atEnd ? .end : .incomplete }
            let second = bytes[position + 1]
            if second == UInt8(ascii: "?") {
                guard let end = find(bytes, "?>", from: position + 2) else { return try incomplete(atEnd, "a processing instruction") }
                position = end + 2
                continue
            }
            if second == UInt8(ascii: "!") {
                if starts(bytes, at: position, with: "<!--") {
                    guard let end = find(bytes, "-->", from: position + 4) else { return try incomplete(atEnd, "a comment") }
                    position = end + 3
                    continue
                }
                if starts(bytes, at: position, with: "<![CDATA[") {
                    guard let end = find(bytes, "]]>", from: position + 9) else { return try incomplete(atEnd, "a CDATA section") }
                    return .token(.text((position + 9)..<end, raw: true), next: end + 3)
                }
                if position + 9 > count, !atEnd { return .incomplete }
                throw FileImportError("the workbook's XML declares a DTD or entities, which are refused")
            }
            // A tag: find its end outside quoted attribute values.
            var end = position + 1
            var quote: UInt8 = 0
            while end < count {
                let byte = bytes[end]
                if quote != 0 {
                    if byte == quote { quote = 0 }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    break
                }
                end += 1
            }
            guard end < count else { return try incomplete(atEnd, "a tag") }
            if second == UInt8(ascii: "/") {
                var nameEnd = position + 2
                while nameEnd < end, !isSpace(bytes[nameEnd]) { nameEnd += 1 }
                return .token(.close(name: (position + 2)..<nameEnd), next: end + 1)
            }
            var nameEnd = position + 1
            while nameEnd < end, !isSpace(bytes[nameEnd]), bytes[nameEnd] != UInt8(ascii: "/") { nameEnd += 1 }
            let selfClosing = bytes[end - 1] == UInt8(ascii: "/")
            return .token(.open(name: (position + 1)..<nameEnd, attributes: nameEnd..<(selfClosing ? end - 1 : end), selfClosing: selfClosing),
                          next: end + 1)
        }
    }

    private static func incomplete(_ atEnd: Bool, _ what: String) throws(FileImportError) -> Outcome {
        if atEnd { throw FileImportError("the workbook's XML ends inside \(what)") }
        return .incomplete
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }

    static func starts(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int, with text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let expected = text.utf8Start
        for index in 0..<count where bytes[position + index] != expected[index] { return false }
        return true
    }

    static func find(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString, from start: Int) -> Int? {
        let first = text.utf8Start[0]
        var position = start
        while position < bytes.count {
            if bytes[position] == first, starts(bytes, at: position, with: text) { return position }
            position += 1
        }
        return nil
    }

    /// Whether the element name in `range` is `name`, with or without a namespace prefix (`x:row`).
    static func name(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, is name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard range.count >= count else { return false }
        let start = range.upperBound - count
        guard start == range.lowerBound || bytes[start - 1] == UInt8(ascii: ":") else { return false }
        return starts(bytes, at: start, with: name) && start + count == range.upperBound
    }

    /// The value of the attribute `name` (local name; any prefix) in an open tag's attribute range,
    /// entities decoded.
    static func attribute(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ name: StaticString) -> String? {
        attributeRange(bytes, range, name).map { decoded(bytes, $0) }
    }

    /// Where the raw value of the attribute `name` lies, without making a string of it.
    static func attributeRange(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ name: StaticString) -> Range<Int>? {
        var position = range.lowerBound
        while position < range.upperBound {
            while position < range.upperBound, isSpace(bytes[position]) { position += 1 }
            let nameStart = position
            while position < range.upperBound, bytes[position] != UInt8(ascii: "="), !isSpace(bytes[position]) { position += 1 }
            let nameRange = nameStart..<position
            while position < range.upperBound, bytes[position] != UInt8(ascii: "\""), bytes[position] != UInt8(ascii: "'") { position += 1 }
            guard position < range.upperBound else { return nil }
            let quote = bytes[position]
            let valueStart = position + 1
            position = valueStart
            while position < range.upperBound, bytes[position] != quote { position += 1 }
            if !nameRange.isEmpty, Self.name(bytes, nameRange, is: name) {
                return valueStart..<position
            }
            position += 1
        }
        return nil
    }

    /// Text with `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` and `&#N;`/`&#xH;` decoded.
    static func decoded(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        guard bytes[range].contains(UInt8(ascii: "&")) else { return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(range.count)
        var position = range.lowerBound
        while position < range.upperBound {
            let byte = bytes[position]
            guard byte == UInt8(ascii: "&"), let semicolon = bytes[position..<min(range.upperBound, position + 12)].firstIndex(of: UInt8(ascii: ";")) else {
                output.append(byte)
                position += 1
                continue
            }
            let entity = String(decoding: UnsafeBufferPointer(rebasing: bytes[(position + 1)..<semicolon]), as: UTF8.self)
            var scalar: UInt32?
            switch entity {
            case "amp": scalar = 38
            case "lt": scalar = 60
            case "gt": scalar = 62
            case "quot": scalar = 34
            case "apos": scalar = 39
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") { scalar = UInt32(entity.dropFirst(2), radix: 16) }
                else if entity.hasPrefix("#") { scalar = UInt32(entity.dropFirst()) }
            }
            if let scalar, Unicode.Scalar(scalar) != nil {
                UTF8Transcoder.appendUTF8(scalar, to: &output)
                position = semicolon + 1
            } else {
                output.append(byte)
                position += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Excel's `_xHHHH_` escapes (characters XML cannot hold) decoded; `_x005F_` is a literal `_`.
    static func unescapedExcel(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        var output = ""
        var rest = Substring(text)
        while let range = rest.range(of: "_x") {
            output += rest[..<range.lowerBound]
            let after = rest[range.upperBound...]
            let hex = after.prefix(5)
            if hex.count == 5, hex.last == "_", let value = UInt32(hex.dropLast(), radix: 16), let scalar = Unicode.Scalar(value) {
                output.unicodeScalars.append(scalar)
                rest = after.dropFirst(5)
            } else {
                output += "_x"
                rest = after
            }
        }
        return output + rest
    }
}
