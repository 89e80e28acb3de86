/// What skipping a value found out about its bytes.
struct SkippedValueTraits {
    /// Two keys of one object may be the same (a cheap filter; false positives happen).
    var mayRepeatKeys = false
    /// The outermost skipped object's members, each from its key's opening quote to the end of its
    /// value, as offsets into the scanned buffer.
    var topLevelMembers: [TopLevelMember] = []
    var hasTopLevelNull = false

    struct TopLevelMember {
        var bytes: Range<Int>
        var isNull: Bool
    }

    /// The `null` members' places, relative to the object's first byte.
    func nullMemberOffsets(from objectStart: Int) -> [Range<Int>] {
        guard hasTopLevelNull else { return [] }
        return topLevelMembers.filter(\.isNull).map { $0.bytes.lowerBound - objectStart..<$0.bytes.upperBound - objectStart }
    }

    /// Forgets everything, keeping the lists' storage.
    mutating func reset() {
        topLevelMembers.removeAll(keepingCapacity: true)
        mayRepeatKeys = false
        hasTopLevelNull = false
    }
}

/// Skipping: validates a value exactly as parsing would, without building it.
///
/// Anything a plain copy of the bytes could not represent faithfully (non-finite numbers, lone
/// surrogate escapes) is reported as an error, so the caller falls back to parsing.
extension JSONScanner {
    /// Skips the value at `position`, which is not whitespace and not past the end.
    mutating func skipValue(_ traits: inout SkippedValueTraits) throws(JSONParsingError) {
        switch start[position] {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "{"): try skipObject(&traits, isOutermost: false)
        case UInt8(ascii: "["): try skipArray(&traits)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        default:
            throw error(.unexpectedCharacter(found: describeByte(at: position), expected: "a JSON value"))
        }
    }

    mutating func skipArray(_ traits: inout SkippedValueTraits) throws(JSONParsingError) {
        if try openContainer(closing: UInt8(ascii: "]")) { return }
        repeat {
            guard position < count else { throw error(.unexpectedEndOfInput(expected: "a value or ']'")) }
            try skipValue(&traits)
        } while try consumeSeparator(closing: UInt8(ascii: "]"))
    }

    /// Skips an object; `isOutermost` marks the object whose own members are listed in `traits`.
    mutating func skipObject(_ traits: inout SkippedValueTraits, isOutermost: Bool) throws(JSONParsingError) {
        if try openContainer(closing: UInt8(ascii: "}")) { return }
        var seenKeys: UInt64 = 0
        let firstKey = skippedKeys.count
        defer { skippedKeys.removeLast(skippedKeys.count - firstKey) }
        repeat {
            try expectKey()
            let keyStart = position + 1
            // A repeated key would collapse when parsed; such bytes are parsed, not copied. An
            // escaped key may spell another one differently, so it counts as possibly repeated.
            if try skipString() { traits.mayRepeatKeys = true }
            let key = keyStart..<position - 1
            let fingerprint = keyFingerprint(from: key.lowerBound, to: key.upperBound)
            if seenKeys & fingerprint != 0 && repeatsKey(key, fingerprint: fingerprint, since: firstKey) {
                traits.mayRepeatKeys = true
            }
            seenKeys |= fingerprint
            skippedKeys.append((key, fingerprint))
            try consumeColon()
            let isNullMember = isOutermost && start[position] == UInt8(ascii: "n")
            try skipValue(&traits)
            if isOutermost {
                traits.topLevelMembers.append(.init(bytes: keyStart - 1..<position, isNull: isNullMember))
                if isNullMember { traits.hasTopLevelNull = true }
            }
        } while try consumeSeparator(closing: UInt8(ascii: "}"))
    }

    /// Whether `key` equals a key of the current object noted since `firstKey`, byte for byte.
    private func repeatsKey(_ key: Range<Int>, fingerprint: UInt64, since firstKey: Int) -> Bool {
        let bytes = UnsafeBufferPointer(start: start + key.lowerBound, count: key.count)
        for earlier in skippedKeys[firstKey...] where earlier.fingerprint == fingerprint {
            let other = UnsafeBufferPointer(start: start + earlier.bytes.lowerBound, count: earlier.bytes.count)
            if bytes.elementsEqual(other) { return true }
        }
        return false
    }

    /// Skips the string whose opening quote is at `position`, checking escapes and UTF-8; tells
    /// whether the string had escapes.
    @discardableResult
    mutating func skipString() throws(JSONParsingError) -> Bool {
        var hasEscapes = false
        position += 1
        let contentStart = position
        var highBitsSeen: UInt64 = 0
        while true {
            skipOrdinaryStringBytes(&highBitsSeen)
            guard position < count else { throw error(.unterminatedString, at: contentStart - 1) }
            let byte = start[position]
            if byte == UInt8(ascii: "\"") {
                if highBitsSeen & Self.highBits != 0 {
                    let content = UnsafeBufferPointer(start: start + contentStart, count: position - contentStart)
                    let invalid = firstInvalidUTF8Offset(content)
                    if invalid < content.count { throw error(.invalidUTF8, at: contentStart + invalid) }
                }
                position += 1
                return hasEscapes
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                try skipEscape()
                continue
            }
            if byte < 0x20 { throw error(.controlCharacterInString(byte)) }
            highBitsSeen |= UInt64(byte)
            position += 1
        }
    }

    /// Skips the escape at `position`; a surrogate escape must be half of a proper pair.
    private mutating func skipEscape() throws(JSONParsingError) {
        let escapeStart = position
        guard position + 1 < count else { throw error(.unterminatedString, at: position) }
        switch start[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            let unit = try hexUnit(at: position + 2, escapeStart: escapeStart)
            position += 6
            if (0xDC00...0xDFFF).contains(unit) { throw error(.loneSurrogate(escapeText(at: escapeStart)), at: escapeStart) }
            if (0xD800...0xDBFF).contains(unit) {
                guard position + 1 < count, start[position] == UInt8(ascii: "\\"), start[position + 1] == UInt8(ascii: "u"),
                      (0xDC00...0xDFFF).contains(try hexUnit(at: position + 2, escapeStart: position)) else {
                    throw error(.loneSurrogate(escapeText(at: escapeStart)), at: escapeStart)
                }
                position += 6
            }
        default:
            throw error(.invalidEscape(describeByte(at: position + 1)), at: escapeStart)
        }
    }

    private func escapeText(at offset: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: start + offset, count: min(6, count - offset)), as: UTF8.self)
    }

    private func hexUnit(at offset: Int, escapeStart: Int) throws(JSONParsingError) -> UInt16 {
        guard offset + 4 <= count else { throw error(.unterminatedString, at: escapeStart) }
        var unit: UInt16 = 0
        for index in offset..<offset + 4 {
            let byte = start[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error(.invalidUnicodeEscape, at: escapeStart)
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    /// Skips a number, checking RFC 8259's grammar.
    private mutating func skipNumber() throws(JSONParsingError) {
        let numberStart = position
        @inline(__always) func isDigit(_ offset: Int) -> Bool {
            offset < count && start[offset] &- UInt8(ascii: "0") < 10
        }
        if start[position] == UInt8(ascii: "-") { position += 1 }
        guard isDigit(position) else { throw error(.invalidNumber("expected a digit"), at: numberStart) }
        if start[position] == UInt8(ascii: "0") {
            position += 1
            if isDigit(position) { throw error(.invalidNumber("leading zeros are not allowed"), at: numberStart) }
        } else {
            while isDigit(position) { position += 1 }
        }
        if position < count, start[position] == UInt8(ascii: ".") {
            position += 1
            guard isDigit(position) else { throw error(.invalidNumber("expected a digit after '.'"), at: numberStart) }
            while isDigit(position) { position += 1 }
        }
        if position < count, start[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < count, start[position] == UInt8(ascii: "+") || start[position] == UInt8(ascii: "-") { position += 1 }
            guard isDigit(position) else { throw error(.invalidNumber("expected a digit in the exponent"), at: numberStart) }
            while isDigit(position) { position += 1 }
        }
    }
}
