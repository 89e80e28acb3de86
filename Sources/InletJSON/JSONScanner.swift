/// The recursive-descent core of `JSONParser`, over a borrowed UTF-8 buffer.
///
/// Recursion is bounded by `options.maximumDepth`, so hostile nesting ends in an error, not a stack
/// overflow. Line and column are computed only when an error is thrown.
struct JSONScanner {
    let start: UnsafePointer<UInt8>
    let count: Int
    let options: JSONParsingOptions
    var position = 0
    var depth = 0
    /// Reused for strings with escapes, so unescaping does not allocate per string.
    var scratch: [UInt8] = []
    /// When not nil, every run of whitespace skipped between tokens is noted here.
    var whitespaceRuns: [Range<Int>]? = nil
    /// The keys of the objects being skipped, innermost last, with their fingerprints.
    var skippedKeys: [(bytes: Range<Int>, fingerprint: UInt64)] = []

    init(start: UnsafePointer<UInt8>, count: Int, options: JSONParsingOptions) {
        self.start = start
        self.count = count
        self.options = options
    }

    mutating func parseDocument() throws(JSONParsingError) -> JSONValue {
        skipWhitespace()
        guard position < count else {
            throw error(position == 0 ? .emptyInput : .unexpectedEndOfInput(expected: "a JSON value"))
        }
        let value = try parseValue()
        skipWhitespace()
        if position < count {
            throw error(.trailingContent(found: describeByte(at: position)))
        }
        return value
    }

    // MARK: - Values

    @inline(__always)
    mutating func skipWhitespace() {
        let before = position
        scan: while position < count {
            switch start[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): position += 1
            default: break scan
            }
        }
        if position != before { whitespaceRuns?.append(before..<position) }
    }

    /// Past the opening bracket at `position` and the whitespace after it; true when the container
    /// is empty, its closing bracket consumed too.
    @inline(__always)
    mutating func openContainer(closing: UInt8) throws(JSONParsingError) -> Bool {
        try enterContainer()
        position += 1
        skipWhitespace()
        guard position < count, start[position] == closing else { return false }
        position += 1
        depth -= 1
        return true
    }

    /// After an element or a member: true past a `,` and the whitespace after it, false past the
    /// container's `closing` bracket (which leaves the container).
    @inline(__always)
    mutating func consumeSeparator(closing: UInt8) throws(JSONParsingError) -> Bool {
        skipWhitespace()
        let expected = closing == UInt8(ascii: "]") ? "',' or ']'" : "',' or '}'"
        guard position < count else { throw error(.unexpectedEndOfInput(expected: expected)) }
        let byte = start[position]
        position += 1
        if byte == UInt8(ascii: ",") {
            skipWhitespace()
            return true
        }
        if byte == closing {
            depth -= 1
            return false
        }
        throw error(.unexpectedCharacter(found: describeByte(at: position - 1), expected: expected), at: position - 1)
    }

    /// At a member's key: fails unless `position` is at a quote.
    @inline(__always)
    func expectKey() throws(JSONParsingError) {
        guard position < count else { throw error(.unexpectedEndOfInput(expected: "a string key")) }
        guard start[position] == UInt8(ascii: "\"") else {
            throw error(.unexpectedCharacter(found: describeByte(at: position), expected: "a string key"))
        }
    }

    /// After a key: past the `:` and the whitespace around it, at the start of the value.
    @inline(__always)
    mutating func consumeColon() throws(JSONParsingError) {
        skipWhitespace()
        guard position < count else { throw error(.unexpectedEndOfInput(expected: "':'")) }
        guard start[position] == UInt8(ascii: ":") else {
            throw error(.unexpectedCharacter(found: describeByte(at: position), expected: "':'"))
        }
        position += 1
        skipWhitespace()
        guard position < count else { throw error(.unexpectedEndOfInput(expected: "a value")) }
    }

    /// Parses the value starting at `position`, which is not whitespace and not past the end.
    mutating func parseValue() throws(JSONParsingError) -> JSONValue {
        switch start[position] {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "N") where options.allowsNonFiniteNumbers: try expectLiteral("NaN"); return .double(.nan)
        case UInt8(ascii: "I") where options.allowsNonFiniteNumbers:
            try expectLiteral("Infinity")
            return .double(.infinity)
        default:
            throw error(.unexpectedCharacter(found: describeByte(at: position), expected: "a JSON value"))
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParsingError) {
        let length = literal.utf8CodeUnitCount
        let bytes = literal.utf8Start
        for offset in 0..<length {
            guard position + offset < count else {
                throw error(.unexpectedEndOfInput(expected: "'\(literal)'"), at: position + offset)
            }
            guard start[position + offset] == bytes[offset] else {
                throw error(
                    .unexpectedCharacter(found: describeByte(at: position + offset), expected: "'\(literal)'"),
                    at: position + offset
                )
            }
        }
        position += length
    }

    mutating func enterContainer() throws(JSONParsingError) {
        depth += 1
        if depth > options.maximumDepth {
            throw error(.nestingTooDeep(limit: options.maximumDepth))
        }
    }

    mutating func parseArray() throws(JSONParsingError) -> JSONValue {
        var elements: [JSONValue] = []
        if try openContainer(closing: UInt8(ascii: "]")) { return .array(elements) }
        repeat {
            guard position < count else { throw error(.unexpectedEndOfInput(expected: "a value or ']'")) }
            elements.append(try parseValue())
        } while try consumeSeparator(closing: UInt8(ascii: "]"))
        return .array(elements)
    }

    mutating func parseObject() throws(JSONParsingError) -> JSONValue {
        var entries: [JSONObject.Entry] = []
        if try openContainer(closing: UInt8(ascii: "}")) { return .object(JSONObject(uniqueEntries: entries)) }
        // A 64-bit filter of key fingerprints: a full duplicate check runs only when a bit is already set.
        var seenKeys: UInt64 = 0
        var keyIndex: [String: Int]? = nil
        repeat {
            try expectKey()
            let keyStart = position + 1
            let key = try parseString()
            // An escaped key may spell an earlier key differently: it matches every filter bit,
            // so the exact comparison decides.
            let isEscaped = key.utf8.count != position - 1 - keyStart
            let fingerprint = isEscaped ? UInt64.max : keyFingerprint(from: keyStart, to: position - 1)
            try consumeColon()
            let value = try parseValue()

            // Python keeps the first position of a repeated key and its last value; so do we.
            var duplicate: Int? = nil
            if seenKeys & fingerprint != 0 {
                if let keyIndex {
                    duplicate = keyIndex[key]
                } else {
                    duplicate = entries.firstIndex { $0.key == key }
                }
            }
            if let duplicate {
                entries[duplicate].value = value
            } else {
                seenKeys |= fingerprint
                entries.append(JSONObject.Entry(key: key, value: value))
                if keyIndex != nil {
                    keyIndex![key] = entries.count - 1
                } else if entries.count > 64 {
                    // Past 64 keys the filter is saturated; switch to a real index.
                    keyIndex = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($0.element.key, $0.offset) })
                }
            }
        } while try consumeSeparator(closing: UInt8(ascii: "}"))
        return .object(JSONObject(uniqueEntries: entries))
    }

    /// One bit chosen from the key's raw bytes (length, first and last byte).
    @inline(__always)
    func keyFingerprint(from keyStart: Int, to keyEnd: Int) -> UInt64 {
        let length = keyEnd - keyStart
        guard length > 0 else { return 1 }
        let mixed = UInt64(length) &* 0x9E37_79B9 &+ UInt64(start[keyStart]) &* 31 &+ UInt64(start[keyEnd - 1]) &* 7
            &+ UInt64(start[keyStart + length / 2]) &* 131
        return 1 << ((mixed ^ (mixed >> 6)) & 63)
    }

    // MARK: - Errors

    func error(_ reason: JSONParsingError.Reason) -> JSONParsingError {
        error(reason, at: position)
    }

    func error(_ reason: JSONParsingError.Reason, at offset: Int) -> JSONParsingError {
        let offset = min(offset, count)
        var line = 1
        var column = 1
        for index in 0..<offset {
            let byte = start[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return JSONParsingError(reason: reason, offset: offset, line: line, column: column)
    }

    func describeByte(at offset: Int) -> String {
        guard offset < count else { return "end of input" }
        let byte = start[offset]
        if byte >= 0x20 && byte < 0x7F { return "character '\(Character(UnicodeScalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }
}
