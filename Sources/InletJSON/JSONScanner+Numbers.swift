extension JSONScanner {
    /// Powers of ten that a double holds exactly (Clinger's fast path).
    private static let exactPowersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// Parses the number at `position` (a '-' or a digit).
    mutating func parseNumber() throws(JSONParsingError) -> JSONValue {
        let numberStart = position
        var negative = false
        if start[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
            if options.allowsNonFiniteNumbers, position < count, start[position] == UInt8(ascii: "I") {
                try expectLiteral("Infinity")
                return .double(-.infinity)
            }
        }
        guard position < count else { throw error(.unexpectedEndOfInput(expected: "a digit")) }
        guard Self.isDigit(start[position]) else {
            throw error(.invalidNumber("expected a digit after '-'"))
        }

        // Up to 19 significant digits are accumulated exactly; more send the number to the slow path.
        var mantissa: UInt64 = 0
        var significantDigits = 0
        @inline(__always) func accumulate(_ byte: UInt8) {
            let digit = UInt64(byte &- UInt8(ascii: "0"))
            if mantissa == 0 && digit == 0 { return }
            significantDigits += 1
            if significantDigits <= 19 { mantissa = mantissa &* 10 &+ digit }
        }

        if start[position] == UInt8(ascii: "0") {
            position += 1
            if position < count, Self.isDigit(start[position]) {
                throw error(.invalidNumber("leading zeros are not allowed"), at: numberStart)
            }
        } else {
            while position < count, Self.isDigit(start[position]) {
                accumulate(start[position])
                position += 1
            }
        }
        var isInteger = true
        var fractionDigits = 0
        if position < count, start[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            let fractionStart = position
            while position < count, Self.isDigit(start[position]) {
                accumulate(start[position])
                position += 1
            }
            fractionDigits = position - fractionStart
            guard fractionDigits > 0 else {
                throw error(.invalidNumber("expected a digit after '.'"))
            }
        }
        var exponent = 0
        if position < count, start[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            var exponentNegative = false
            if position < count, start[position] == UInt8(ascii: "+") || start[position] == UInt8(ascii: "-") {
                exponentNegative = start[position] == UInt8(ascii: "-")
                position += 1
            }
            let exponentStart = position
            while position < count, Self.isDigit(start[position]) {
                if exponent < 1_000_000 { exponent = exponent * 10 + Int(start[position] &- UInt8(ascii: "0")) }
                position += 1
            }
            guard position > exponentStart else {
                throw error(.invalidNumber("expected a digit in the exponent"))
            }
            if exponentNegative { exponent = -exponent }
        }

        if isInteger {
            if significantDigits <= 19 {
                if negative {
                    if mantissa <= UInt64(Int64.max) { return .int(-Int64(mantissa)) }
                    if mantissa == UInt64(Int64.max) + 1 { return .int(.min) }
                } else if mantissa <= UInt64(Int64.max) {
                    return .int(Int64(mantissa))
                }
            }
            return .bigNumber(literal(from: numberStart))
        }

        let decimalExponent = exponent - fractionDigits
        if significantDigits <= 15 && -22 <= decimalExponent && decimalExponent <= 22 {
            // Both operands are exact, so one rounding gives the correctly rounded result.
            var value = Double(mantissa)
            if decimalExponent < 0 {
                value /= Self.exactPowersOfTen[-decimalExponent]
            } else {
                value *= Self.exactPowersOfTen[decimalExponent]
            }
            return .double(negative ? -value : value)
        }
        return slowPathDouble(from: numberStart, significantDigits: significantDigits)
    }

    /// Correctly rounded conversion through the standard library; keeps the literal when a double
    /// cannot hold it exactly as written (too many digits, overflow, underflow).
    private func slowPathDouble(from numberStart: Int, significantDigits: Int) -> JSONValue {
        let text = literal(from: numberStart)
        guard let value = Double(text), value.isFinite else { return .bigNumber(text) }
        if value == 0 && significantDigits > 0 { return .bigNumber(text) }
        if significantDigits > 15 && DecimalDigits(value.description) != DecimalDigits(text) {
            return .bigNumber(text)
        }
        return .double(value)
    }

    private func literal(from numberStart: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: start + numberStart, count: position - numberStart), as: UTF8.self)
    }
}

/// A decimal number reduced to its significant digits and the position of the decimal point, so that
/// `1.50e2`, `150` and `150.0` compare equal.
struct DecimalDigits: Equatable {
    var negative = false
    var digits: [UInt8] = []
    /// Where the decimal point falls relative to the first significant digit.
    var pointPosition = 0

    init(_ text: String) {
        var exponent = 0
        var integerDigits = 0
        var inFraction = false
        var utf8 = text.utf8[...]
        if utf8.first == UInt8(ascii: "-") {
            negative = true
            utf8 = utf8.dropFirst()
        }
        while let byte = utf8.first {
            if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if byte | 0x20 == UInt8(ascii: "e") {
                exponent = Int(String(decoding: utf8.dropFirst(), as: UTF8.self).replacingPlus()) ?? 0
                break
            } else {
                digits.append(byte)
                if !inFraction { integerDigits += 1 }
            }
            utf8 = utf8.dropFirst()
        }
        var leadingZeros = 0
        while leadingZeros < digits.count, digits[leadingZeros] == UInt8(ascii: "0") { leadingZeros += 1 }
        digits.removeFirst(leadingZeros)
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        pointPosition = digits.isEmpty ? 0 : integerDigits - leadingZeros + exponent
        if digits.isEmpty { negative = false }
    }
}

extension String {
    fileprivate func replacingPlus() -> String {
        first == "+" ? String(dropFirst()) : self
    }
}
