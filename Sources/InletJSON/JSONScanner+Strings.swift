extension JSONScanner {
    static var ones: UInt64 { 0x0101_0101_0101_0101 }
    static var highBits: UInt64 { 0x8080_8080_8080_8080 }

    /// The high bit of each byte of `word` that is a quote, a backslash or a control character
    /// (below 0x20). Bytes above the first such byte may be flagged wrongly, the first one never.
    @inline(__always)
    static func attentionBits(_ word: UInt64) -> UInt64 {
        let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let hasControl = (word &- ones &* 0x20) & ~word
        return (hasQuote | hasBackslash | hasControl) & highBits
    }

    /// Moves over ordinary string bytes eight at a time, landing on the first quote, backslash or
    /// control character (or within eight bytes of the end); ORs the bytes passed into `highBitsSeen`.
    @inline(__always)
    mutating func skipOrdinaryStringBytes(_ highBitsSeen: inout UInt64) {
        while position + 8 <= count {
            let word = UnsafeRawPointer(start + position).loadUnaligned(as: UInt64.self)
            let attention = Self.attentionBits(word)
            if attention == 0 {
                highBitsSeen |= word
                position += 8
                continue
            }
            let skipped = attention.trailingZeroBitCount >> 3
            highBitsSeen |= word & ~(UInt64.max << (skipped << 3))
            position += skipped
            return
        }
    }

    /// Parses the string whose opening quote is at `position`; leaves `position` after the closing quote.
    mutating func parseString() throws(JSONParsingError) -> String {
        position += 1
        let contentStart = position
        var highBitsSeen: UInt64 = 0
        while true {
            skipOrdinaryStringBytes(&highBitsSeen)
            guard position < count else { throw error(.unterminatedString, at: contentStart - 1) }
            let byte = start[position]
            if byte == UInt8(ascii: "\"") {
                let content = UnsafeBufferPointer(start: start + contentStart, count: position - contentStart)
                position += 1
                if highBitsSeen & Self.highBits == 0 {
                    return String(decoding: content, as: UTF8.self)
                }
                return try validatedString(content, at: contentStart)
            }
            if byte == UInt8(ascii: "\\") {
                return try parseEscapedString(contentStart: contentStart)
            }
            if byte < 0x20 {
                throw error(.controlCharacterInString(byte))
            }
            highBitsSeen |= UInt64(byte)
            position += 1
        }
    }

    private func validatedString(_ content: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONParsingError) -> String {
        if let string = String(validating: content, as: UTF8.self) { return string }
        throw error(.invalidUTF8, at: offset + firstInvalidUTF8Offset(content))
    }

    /// The rest of a string that holds escapes, unescaped into `scratch`.
    private mutating func parseEscapedString(contentStart: Int) throws(JSONParsingError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: start + contentStart, count: position - contentStart))
        var highBitsSeen: UInt8 = 0
        while position < count {
            let byte = start[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return try stringFromScratch(containsNonASCII: highBitsSeen & 0x80 != 0, contentStart: contentStart)
            case UInt8(ascii: "\\"):
                try appendEscape()
            case 0..<0x20:
                throw error(.controlCharacterInString(byte))
            default:
                highBitsSeen |= byte
                scratch.append(byte)
                position += 1
            }
        }
        throw error(.unterminatedString, at: contentStart - 1)
    }

    private func stringFromScratch(containsNonASCII: Bool, contentStart: Int) throws(JSONParsingError) -> String {
        try scratch.withUnsafeBufferPointer { buffer throws(JSONParsingError) in
            if !containsNonASCII { return String(decoding: buffer, as: UTF8.self) }
            if let string = String(validating: buffer, as: UTF8.self) { return string }
            // Escapes only ever add valid UTF-8, so the invalid bytes came from the input itself.
            let raw = UnsafeBufferPointer(start: start + contentStart, count: position - contentStart)
            throw error(.invalidUTF8, at: contentStart + firstInvalidUTF8Offset(raw))
        }
    }

    /// Unescapes the escape at `position` (a backslash) into `scratch`.
    private mutating func appendEscape() throws(JSONParsingError) {
        let escapeStart = position
        guard position + 1 < count else { throw error(.unterminatedString) }
        let code = start[position + 1]
        position += 2
        switch code {
        case UInt8(ascii: "\""): scratch.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): scratch.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): scratch.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try readHex4(escapeStart: escapeStart)
            try appendUnicodeEscape(unit, escapeStart: escapeStart)
        default:
            throw error(.invalidEscape(escapeText(from: escapeStart, length: 2)), at: escapeStart)
        }
    }

    private mutating func appendUnicodeEscape(_ unit: UInt16, escapeStart: Int) throws(JSONParsingError) {
        switch unit {
        case 0xD800...0xDBFF:
            // A high surrogate must be followed by an escaped low surrogate.
            if position + 1 < count, start[position] == UInt8(ascii: "\\"), start[position + 1] == UInt8(ascii: "u") {
                let lowStart = position
                position += 2
                let low = try readHex4(escapeStart: lowStart)
                if (0xDC00...0xDFFF).contains(low) {
                    let scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    appendUTF8(scalar)
                    return
                }
                try appendLoneSurrogate(escapeStart: escapeStart)
                try appendUnicodeEscape(low, escapeStart: lowStart)
                return
            }
            try appendLoneSurrogate(escapeStart: escapeStart)
        case 0xDC00...0xDFFF:
            try appendLoneSurrogate(escapeStart: escapeStart)
        default:
            appendUTF8(UInt32(unit))
        }
    }

    private mutating func appendLoneSurrogate(escapeStart: Int) throws(JSONParsingError) {
        guard options.replacesLoneSurrogates else {
            throw error(.loneSurrogate(escapeText(from: escapeStart, length: 6)), at: escapeStart)
        }
        appendUTF8(0xFFFD)
    }

    private mutating func readHex4(escapeStart: Int) throws(JSONParsingError) -> UInt16 {
        guard position + 4 <= count else { throw error(.invalidUnicodeEscape, at: escapeStart) }
        var value: UInt16 = 0
        for offset in 0..<4 {
            let byte = start[position + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error(.invalidUnicodeEscape, at: escapeStart)
            }
            value = value << 4 | UInt16(digit)
        }
        position += 4
        return value
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (scalar >> 6)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (scalar >> 12)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (scalar >> 18)))
            scratch.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    private func escapeText(from offset: Int, length: Int) -> String {
        let available = min(length, count - offset)
        return String(decoding: UnsafeBufferPointer(start: start + offset, count: available), as: UTF8.self)
    }
}

/// The offset of the first byte that starts an invalid UTF-8 sequence (or `buffer.count`).
func firstInvalidUTF8Offset(_ buffer: UnsafeBufferPointer<UInt8>) -> Int {
    var index = 0
    while index < buffer.count {
        let lead = buffer[index]
        let length: Int
        let minimum: UInt32
        var scalar: UInt32
        switch lead {
        case 0..<0x80: index += 1; continue
        case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(lead & 0x07)
        default: return index
        }
        guard index + length <= buffer.count else { return index }
        for offset in 1..<length {
            let continuation = buffer[index + offset]
            guard continuation & 0xC0 == 0x80 else { return index }
            scalar = scalar << 6 | UInt32(continuation & 0x3F)
        }
        if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return index }
        index += length
    }
    return index
}
