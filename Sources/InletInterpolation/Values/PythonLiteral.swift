/// Python's `ast.literal_eval` over the text a template rendered, as the CDK applies it to every
/// interpolation result: `"5"` becomes 5, `"[1, 2]"` a list, `"None"` None. Text that is not a
/// literal gives `nil` (the CDK then keeps the string); so does a complex number.
enum PythonLiteral {
    static func evaluate(_ text: String) -> JinjaValue? {
        var parser = LiteralParser(Array(text.utf8))
        parser.skipLeadingSpacesAndTabs()
        guard let value = parser.parseExpression() else { return nil }
        parser.skipTrivia(allowNewlines: true)
        guard parser.atEnd, !parser.sawComplex else { return nil }
        return value
    }

    /// A cheap test for text that cannot be a literal, so most strings skip the parser: a literal
    /// starts with a digit, a sign, a dot, a quote, a bracket, or the first letter of `True`, `False`,
    /// `None`, `set()` or a string prefix.
    static func mayBeLiteral(_ text: String) -> Bool {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"): continue
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                 UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "["), UInt8(ascii: "("), UInt8(ascii: "{"),
                 UInt8(ascii: "T"), UInt8(ascii: "F"), UInt8(ascii: "N"), UInt8(ascii: "s"),
                 UInt8(ascii: "r"), UInt8(ascii: "R"), UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                return true
            default:
                return false
            }
        }
        return false
    }
}

private struct LiteralParser {
    let bytes: [UInt8]
    var position = 0
    var sawComplex = false
    /// Open brackets: inside them newlines are insignificant, as in Python's tokenizer.
    var depth = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var atEnd: Bool { position >= bytes.count }

    mutating func skipLeadingSpacesAndTabs() {
        while position < bytes.count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t") { position += 1 }
    }

    /// Spaces, comments and (inside brackets, or at the end) newlines and line continuations.
    mutating func skipTrivia(allowNewlines: Bool = false) {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0C: position += 1
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                guard depth > 0 || allowNewlines else { return }
                position += 1
            case UInt8(ascii: "\\") where position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "\n"):
                position += 2
            case UInt8(ascii: "#"):
                while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            default: return
            }
        }
    }

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    /// A tuple when there are top-level commas, else one value.
    mutating func parseExpression() -> JinjaValue? {
        skipTrivia()
        guard let first = parseUnary() else { return nil }
        skipTrivia()
        guard peek() == UInt8(ascii: ",") else { return first }
        var elements = [first]
        while peek() == UInt8(ascii: ",") {
            position += 1
            skipTrivia()
            if atEnd || peek() == UInt8(ascii: "\n") { break }
            guard let next = parseUnary() else { return nil }
            elements.append(next)
            skipTrivia()
        }
        return .tuple(elements)
    }

    /// `-5`, `+1.5`, and `1+2j`-style complex numbers (which only mark the result as complex).
    mutating func parseUnary() -> JinjaValue? {
        skipTrivia()
        guard let byte = peek() else { return nil }
        if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
            position += 1
            guard let operand = parseUnary() else { return nil }
            guard operand.isNumber, !(operand.integerValue != nil && operand.pythonTypeName == "bool") else { return nil }
            let value = byte == UInt8(ascii: "-") ? (try? PythonSemantics.negate(operand)) : operand
            return value.flatMap { parseComplexTail(after: $0) }
        }
        guard let atom = parseAtom() else { return nil }
        return parseComplexTail(after: atom)
    }

    /// Python allows `real ± imaginary` as a literal; the CDK then refuses the complex result.
    mutating func parseComplexTail(after value: JinjaValue) -> JinjaValue? {
        let saved = position
        skipTrivia()
        guard let byte = peek(), byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-"), value.isNumber else {
            position = saved
            return value
        }
        position += 1
        skipTrivia()
        let wasComplex = sawComplex
        sawComplex = false
        guard let right = parseAtom(), right.isNumber, sawComplex else { return nil }
        sawComplex = wasComplex || true
        return value
    }

    mutating func parseAtom() -> JinjaValue? {
        skipTrivia()
        guard let byte = peek() else { return nil }
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."):
            return parseNumber()
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return parseStrings(prefix: "")
        case UInt8(ascii: "["):
            return parseSequence(close: UInt8(ascii: "]")).map(JinjaValue.list)
        case UInt8(ascii: "("):
            return parseParenthesized()
        case UInt8(ascii: "{"):
            return parseBraces()
        default:
            return parseName()
        }
    }

    mutating func parseName() -> JinjaValue? {
        let start = position
        while let byte = peek(), isIdentifierByte(byte) { position += 1 }
        let name = String(decoding: bytes[start..<position], as: UTF8.self)
        switch name {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "None": return JinjaValue.none
        case "set":
            // `set()` is the one call literal_eval accepts.
            skipTrivia()
            guard peek() == UInt8(ascii: "(") else { return nil }
            position += 1
            skipTrivia()
            guard peek() == UInt8(ascii: ")") else { return nil }
            position += 1
            return .list([])
        default:
            let lowered = name.lowercased()
            if ["r", "u", "b", "br", "rb"].contains(lowered), let quote = peek(), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") {
                return parseStrings(prefix: lowered)
            }
            return nil
        }
    }

    func isIdentifierByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte >= 0x80
    }

    mutating func parseParenthesized() -> JinjaValue? {
        position += 1
        depth += 1
        defer { depth -= 1 }
        skipTrivia()
        if peek() == UInt8(ascii: ")") {
            position += 1
            return .tuple([])
        }
        guard let first = parseUnary() else { return nil }
        skipTrivia()
        if peek() == UInt8(ascii: ")") {
            position += 1
            return first
        }
        var elements = [first]
        while peek() == UInt8(ascii: ",") {
            position += 1
            skipTrivia()
            if peek() == UInt8(ascii: ")") { break }
            guard let next = parseUnary() else { return nil }
            elements.append(next)
            skipTrivia()
        }
        guard peek() == UInt8(ascii: ")") else { return nil }
        position += 1
        return .tuple(elements)
    }

    mutating func parseSequence(close: UInt8) -> [JinjaValue]? {
        position += 1
        depth += 1
        defer { depth -= 1 }
        var elements: [JinjaValue] = []
        skipTrivia()
        while peek() != close {
            guard let element = parseUnary() else { return nil }
            elements.append(element)
            skipTrivia()
            if peek() == UInt8(ascii: ",") {
                position += 1
                skipTrivia()
            } else if peek() != close {
                return nil
            }
        }
        position += 1
        return elements
    }

    /// A dict `{k: v}` or a set `{a, b}`; `{}` is an empty dict.
    mutating func parseBraces() -> JinjaValue? {
        position += 1
        depth += 1
        defer { depth -= 1 }
        skipTrivia()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return .dict(JinjaDict())
        }
        guard let firstKey = parseUnary() else { return nil }
        skipTrivia()
        if peek() == UInt8(ascii: ":") {
            var dict = JinjaDict()
            var key = firstKey
            while true {
                guard peek() == UInt8(ascii: ":") else { return nil }
                position += 1
                guard let value = parseUnary() else { return nil }
                guard isHashable(key) else { return nil }
                dict[key] = value
                skipTrivia()
                if peek() == UInt8(ascii: ",") {
                    position += 1
                    skipTrivia()
                }
                if peek() == UInt8(ascii: "}") {
                    position += 1
                    return .dict(dict)
                }
                guard let nextKey = parseUnary() else { return nil }
                key = nextKey
                skipTrivia()
            }
        }
        var elements = [firstKey]
        while peek() == UInt8(ascii: ",") {
            position += 1
            skipTrivia()
            if peek() == UInt8(ascii: "}") { break }
            guard let next = parseUnary() else { return nil }
            elements.append(next)
            skipTrivia()
        }
        guard peek() == UInt8(ascii: "}"), elements.allSatisfy(isHashable) else { return nil }
        position += 1
        var unique: [JinjaValue] = []
        for element in elements where !unique.contains(where: { PythonSemantics.equal($0, element) }) { unique.append(element) }
        return .list(unique)
    }

    func isHashable(_ value: JinjaValue) -> Bool {
        switch value {
        case .list, .dict, .jsonArray, .jsonObject: return false
        case .tuple(let elements): return elements.allSatisfy(isHashable)
        default: return true
        }
    }

    // MARK: - Numbers

    mutating func parseNumber() -> JinjaValue? {
        let start = position
        if peek() == UInt8(ascii: "0"), position + 1 < bytes.count {
            let marker = bytes[position + 1] | 0x20
            let radix: Int? = marker == UInt8(ascii: "x") ? 16 : (marker == UInt8(ascii: "o") ? 8 : (marker == UInt8(ascii: "b") ? 2 : nil))
            if let radix {
                position += 2
                var digits = ""
                while let byte = peek(), byte == UInt8(ascii: "_") || Character(UnicodeScalar(byte)).hexDigitValue.map({ $0 < radix }) == true {
                    if byte != UInt8(ascii: "_") { digits.append(Character(UnicodeScalar(byte))) }
                    position += 1
                }
                guard !digits.isEmpty else { return nil }
                if let value = Int64(digits, radix: radix) { return .int(value) }
                return .double(Double(UInt64(digits, radix: radix) ?? 0))
            }
        }
        var text = ""
        var isFloat = false
        func digits() -> Bool {
            var any = false
            var lastUnderscore = false
            while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") {
                if byte == UInt8(ascii: "_") {
                    if !any || lastUnderscore { return false }
                    lastUnderscore = true
                } else {
                    text.append(Character(UnicodeScalar(byte)))
                    any = true
                    lastUnderscore = false
                }
                position += 1
            }
            return !lastUnderscore
        }
        guard digits() else { return nil }
        let integerDigits = text
        if peek() == UInt8(ascii: ".") {
            isFloat = true
            text.append(".")
            position += 1
            guard digits() else { return nil }
        }
        if text == "." { return nil }
        if let byte = peek(), byte | 0x20 == UInt8(ascii: "e") {
            let save = position
            position += 1
            var exponent = "e"
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponent.append(Character(UnicodeScalar(sign)))
                position += 1
            }
            let before = text
            text = ""
            guard digits(), !text.isEmpty else {
                position = save
                text = before
                return nil
            }
            text = before + exponent + text
            isFloat = true
        }
        if let byte = peek(), byte | 0x20 == UInt8(ascii: "j") {
            position += 1
            sawComplex = true
            return .double(0)
        }
        if let byte = peek(), isIdentifierByte(byte) { return nil }
        if !isFloat {
            // Python 3 rejects leading zeros in decimal integers ("007"), but allows "0", "00".
            if integerDigits.count > 1, integerDigits.first == "0", integerDigits.contains(where: { $0 != "0" }) { return nil }
            if let value = Int64(integerDigits) { return .int(value) }
            let trimmed = integerDigits.drop { $0 == "0" }
            return .bigInteger(trimmed.isEmpty ? "0" : String(trimmed))
        }
        _ = start
        return Double(text).map(JinjaValue.double)
    }

    // MARK: - Strings

    /// One or more adjacent string literals, concatenated as Python does.
    mutating func parseStrings(prefix: String) -> JinjaValue? {
        var result = ""
        var currentPrefix = prefix
        while true {
            guard let piece = parseString(raw: currentPrefix.contains("r")) else { return nil }
            result += piece
            let saved = position
            skipTrivia()
            let nameStart = position
            while let byte = peek(), isIdentifierByte(byte), position - nameStart < 2 { position += 1 }
            let nextPrefix = String(decoding: bytes[nameStart..<position], as: UTF8.self).lowercased()
            if let quote = peek(), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\""),
               ["", "r", "u", "b", "br", "rb"].contains(nextPrefix) {
                currentPrefix = nextPrefix
                continue
            }
            position = saved
            return .string(result)
        }
    }

    mutating func parseString(raw: Bool) -> String? {
        guard let quote = peek() else { return nil }
        let triple = position + 2 < bytes.count && bytes[position + 1] == quote && bytes[position + 2] == quote
        position += triple ? 3 : 1
        var output: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            if byte == quote {
                if !triple {
                    position += 1
                    return String(decoding: output, as: UTF8.self)
                }
                if position + 2 < bytes.count, bytes[position + 1] == quote, bytes[position + 2] == quote {
                    position += 3
                    return String(decoding: output, as: UTF8.self)
                }
            }
            if (byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")) && !triple { return nil }
            if byte == UInt8(ascii: "\\") && position + 1 < bytes.count {
                if raw {
                    output.append(byte)
                    output.append(bytes[position + 1])
                    position += 2
                    continue
                }
                position += 1
                guard appendEscape(into: &output) else { return nil }
                continue
            }
            output.append(byte)
            position += 1
        }
        return nil
    }

    mutating func appendEscape(into output: inout [UInt8]) -> Bool {
        let code = bytes[position]
        position += 1
        func appendScalar(_ value: UInt32) -> Bool {
            guard let scalar = Unicode.Scalar(value) else { return false }
            output.append(contentsOf: Array(String(scalar).utf8))
            return true
        }
        func hexDigits(_ count: Int) -> UInt32? {
            guard position + count <= bytes.count else { return nil }
            let text = String(decoding: bytes[position..<(position + count)], as: UTF8.self)
            guard let value = UInt32(text, radix: 16) else { return nil }
            position += count
            return value
        }
        switch code {
        case UInt8(ascii: "\n"): return true
        case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): output.append(code)
        case UInt8(ascii: "a"): output.append(0x07)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "v"): output.append(0x0B)
        case UInt8(ascii: "x"): return hexDigits(2).map(appendScalar) ?? false
        case UInt8(ascii: "u"): return hexDigits(4).map(appendScalar) ?? false
        case UInt8(ascii: "U"): return hexDigits(8).map(appendScalar) ?? false
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var value = UInt32(code - UInt8(ascii: "0"))
            var count = 1
            while count < 3, let next = peek(), (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(next) {
                value = value * 8 + UInt32(next - UInt8(ascii: "0"))
                position += 1
                count += 1
            }
            return appendScalar(value)
        default:
            // Unknown escapes keep their backslash.
            output.append(UInt8(ascii: "\\"))
            output.append(code)
        }
        return true
    }
}
