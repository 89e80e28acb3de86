#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain decimal literal, split into its parts: `-0012.50` is not one (leading zeros), `-12.50` is
/// negative, "12", "50".
struct DecimalLiteral: Sendable, Equatable {
    var negative: Bool
    /// The integer part's digits, without leading zeros ("" for `0.5`).
    var integerDigits: [UInt8]
    /// The fraction's digits as written, trailing zeros included (they are the scale).
    var fractionDigits: [UInt8]

    /// Canonical text at `scale`: the fraction padded with zeros, or nil when it has more nonzero
    /// digits than `scale` (never rounded) or more integer digits than `precision - scale`.
    func text(precision: Int, scale: Int) -> String? {
        var fraction = fractionDigits
        while fraction.count > scale, fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        guard fraction.count <= scale, integerDigits.count <= precision - scale else { return nil }
        fraction += Array(repeating: UInt8(ascii: "0"), count: scale - fraction.count)
        var bytes: [UInt8] = negative && !(integerDigits + fraction).allSatisfy({ $0 == UInt8(ascii: "0") }) ? [UInt8(ascii: "-")] : []
        bytes += integerDigits.isEmpty ? [UInt8(ascii: "0")] : integerDigits
        if scale > 0 { bytes += [UInt8(ascii: ".")] + fraction }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Reads values out of text as a column's type wants them. Every reader is strict: it accepts the
/// whole text or nothing, so that a value that does not fit is reported instead of half-read.
enum TextValues {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    /// `true`/`false`/`yes`/`no` in any case (not `0`/`1`: those are numbers).
    static func boolean(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        switch bytes.count {
        case 2: return matches(bytes, "no") ? false : nil
        case 3: return matches(bytes, "yes") ? true : nil
        case 4: return matches(bytes, "true") ? true : nil
        case 5: return matches(bytes, "false") ? false : nil
        default: return nil
        }
    }

    /// Case-insensitive ASCII comparison with a lowercase word.
    static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for index in 0..<bytes.count where bytes[index] | 0x20 != expected[index] { return false }
        return true
    }

    /// A plain decimal literal: an optional sign, digits, an optional `.` and digits. With
    /// `thousands`, the integer part may group its digits by three with commas (`1,234,567.5`).
    /// Leading zeros (`007`, `02116`) are not numbers: they are codes, and stay text.
    static func decimal(_ bytes: UnsafeBufferPointer<UInt8>, thousands: Bool = false) -> DecimalLiteral? {
        var position = 0
        var negative = false
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") {
            negative = bytes[position] == UInt8(ascii: "-")
            position += 1
        }
        var integer: [UInt8] = []
        var groupLength = 0
        var grouped = false
        while position < bytes.count {
            let byte = bytes[position]
            if isDigit(byte) {
                integer.append(byte)
                groupLength += 1
            } else if thousands, byte == UInt8(ascii: ","), !integer.isEmpty, (grouped ? groupLength == 3 : groupLength <= 3) {
                grouped = true
                groupLength = 0
            } else {
                break
            }
            position += 1
        }
        if grouped, groupLength != 3 { return nil }
        var fraction: [UInt8] = []
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            while position < bytes.count, isDigit(bytes[position]) {
                fraction.append(bytes[position])
                position += 1
            }
            guard !fraction.isEmpty else { return nil }
        }
        guard position == bytes.count, !integer.isEmpty else { return nil }
        if integer.count > 1, integer[0] == UInt8(ascii: "0") { return nil }
        if integer == [UInt8(ascii: "0")] { integer = [] }
        return DecimalLiteral(negative: negative, integerDigits: integer, fractionDigits: fraction)
    }

    /// Whether the text is a decimal exactly as it is written at `scale` (`-12.50` at scale 2, `7` at
    /// scale 0): an optional `-`, integer digits without leading zeros, and exactly `scale` fraction
    /// digits, within `precision`. Such a text needs no rewriting.
    static func isCanonicalDecimal(_ bytes: UnsafeBufferPointer<UInt8>, precision: Int, scale: Int) -> Bool {
        var position = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        let integerDigits = position - integerStart
        guard integerDigits >= 1, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { return false }
        let significantIntegerDigits = integerDigits == 1 && bytes[integerStart] == UInt8(ascii: "0") ? 0 : integerDigits
        guard significantIntegerDigits <= precision - scale else { return false }
        if scale == 0 {
            return position == bytes.count && !(integerStart == 1 && significantIntegerDigits == 0)
        }
        guard position < bytes.count, bytes[position] == UInt8(ascii: ".") else { return false }
        position += 1
        let fractionStart = position
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        guard position == bytes.count, position - fractionStart == scale else { return false }
        // "-0.00" is canonically "0.00".
        if integerStart == 1, significantIntegerDigits == 0, bytes[fractionStart...].allSatisfy({ $0 == UInt8(ascii: "0") }) { return false }
        return true
    }

    /// An integer literal (no fraction), within 64 bits.
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>, thousands: Bool = false) -> Int64? {
        if !thousands {
            // The common case, without building a literal.
            var position = 0
            var negative = false
            if bytes.count > 1, bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
                negative = bytes[0] == UInt8(ascii: "-")
                position = 1
            }
            guard position < bytes.count, bytes.count - position <= 19 else { return nil }
            if bytes.count - position > 1, bytes[position] == UInt8(ascii: "0") { return nil }
            var value: Int64 = 0
            while position < bytes.count {
                let byte = bytes[position]
                guard isDigit(byte) else { return nil }
                let (shifted, overflowShift) = value.multipliedReportingOverflow(by: 10)
                let (added, overflowAdd) = negative ? shifted.subtractingReportingOverflow(Int64(byte - 48))
                                                    : shifted.addingReportingOverflow(Int64(byte - 48))
                guard !overflowShift, !overflowAdd else { return nil }
                value = added
                position += 1
            }
            return value
        }
        guard let literal = decimal(bytes, thousands: true), literal.fractionDigits.isEmpty else { return nil }
        return Int64(String(decoding: (literal.negative ? [UInt8(ascii: "-")] : []) + (literal.integerDigits.isEmpty ? [48] : literal.integerDigits), as: UTF8.self))
    }

    /// A floating-point literal: a decimal, or one with an exponent, or `inf`/`infinity`/`nan`.
    static func double(_ bytes: UnsafeBufferPointer<UInt8>, thousands: Bool = false) -> Double? {
        if thousands, let literal = decimal(bytes, thousands: true) {
            return Double(String(decoding: (literal.negative ? [UInt8(ascii: "-")] : []) + (literal.integerDigits.isEmpty ? [48] : literal.integerDigits)
                                 + (literal.fractionDigits.isEmpty ? [] : [UInt8(ascii: ".")] + literal.fractionDigits), as: UTF8.self))
        }
        var position = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") { position += 1 }
        let unsigned = UnsafeBufferPointer(rebasing: bytes[position...])
        if matches(unsigned, "inf") || matches(unsigned, "infinity") || matches(unsigned, "nan") {
            let negative = position == 1 && bytes[0] == UInt8(ascii: "-")
            return matches(unsigned, "nan") ? .nan : (negative ? -.infinity : .infinity)
        }
        let integerStart = position
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        let integerDigits = position - integerStart
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") { return nil }
        var fractionDigits = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            fractionDigits = position - fractionStart
        }
        guard integerDigits + fractionDigits > 0 else { return nil }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") { position += 1 }
            let exponentStart = position
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            guard position > exponentStart else { return nil }
        }
        guard position == bytes.count, bytes.count < 350 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buffer in
            for index in 0..<bytes.count { buffer[index] = CChar(bitPattern: bytes[index]) }
            buffer[bytes.count] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }

    /// A date in `format`, alone.
    static func date(_ bytes: UnsafeBufferPointer<UInt8>, format: DateFormat) -> Int32? {
        var position = 0
        guard let days = format.days(in: bytes, at: &position), position == bytes.count else { return nil }
        return days
    }

    /// A date in `format`, `T` or a space, `HH:MM[:SS[.fraction]]`, and an optional zone (`Z`,
    /// `±HH`, `±HHMM`, `±HH:MM`): microseconds since the epoch (UTC when zoned), and whether a zone
    /// was given.
    static func timestamp(_ bytes: UnsafeBufferPointer<UInt8>, format: DateFormat) -> (microseconds: Int64, zoned: Bool)? {
        var position = 0
        guard let days = format.days(in: bytes, at: &position), position < bytes.count,
              bytes[position] == UInt8(ascii: "T") || bytes[position] == UInt8(ascii: " ") else { return nil }
        position += 1
        func twoDigits() -> Int? {
            guard position + 1 < bytes.count, isDigit(bytes[position]), isDigit(bytes[position + 1]) else { return nil }
            defer { position += 2 }
            return Int(bytes[position] - 48) * 10 + Int(bytes[position + 1] - 48)
        }
        func take(_ character: Character) -> Bool {
            guard position < bytes.count, bytes[position] == character.asciiValue else { return false }
            position += 1
            return true
        }
        guard let hour = twoDigits(), hour < 24, take(":"), let minute = twoDigits(), minute < 60 else { return nil }
        var second = 0
        var fraction: Int64 = 0
        if take(":") {
            guard let parsed = twoDigits(), parsed < 60 else { return nil }
            second = parsed
            if take(".") {
                var digits = 0
                while position < bytes.count, isDigit(bytes[position]) {
                    // Past microseconds, digits would be lost: refuse rather than truncate.
                    guard digits < 6 || bytes[position] == UInt8(ascii: "0") else { return nil }
                    if digits < 6 { fraction = fraction * 10 + Int64(bytes[position] - 48) }
                    digits += 1
                    position += 1
                }
                guard digits > 0 else { return nil }
                for _ in min(digits, 6)..<6 { fraction *= 10 }
            }
        }
        var micros = Int64(days) * 86_400_000_000 + Int64(hour * 3600 + minute * 60 + second) * 1_000_000 + fraction
        if position == bytes.count { return (micros, false) }
        if take("Z") || take("z") { return position == bytes.count ? (micros, true) : nil }
        let sign: Int64
        if take("+") { sign = 1 } else if take("-") { sign = -1 } else { return nil }
        guard let offsetHours = twoDigits(), offsetHours <= 18 else { return nil }
        _ = take(":")
        let offsetMinutes = position < bytes.count ? twoDigits() : 0
        guard let offsetMinutes, offsetMinutes < 60, position == bytes.count else { return nil }
        micros -= sign * Int64(offsetHours * 60 + offsetMinutes) * 60_000_000
        return (micros, true)
    }
}

extension String {
    /// Runs `body` over the string's UTF-8 bytes, contiguous.
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var copy = self
        return copy.withUTF8(body)
    }
}
