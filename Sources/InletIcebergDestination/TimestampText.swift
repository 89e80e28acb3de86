/// Reads the date and time texts sources send: RFC 3339 / ISO 8601 date-times (`T` or a space,
/// optional seconds and fraction, `Z` or an offset, none meaning UTC) and dates.
enum TimestampText {
    /// Microseconds since the epoch (UTC), or nil when the text is not a date-time.
    static func microseconds(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { bytes -> Int64? in
            var reader = DigitReader(bytes: bytes)
            guard let days = reader.date() else { return nil }
            var micros = Int64(days) * 86_400_000_000
            guard !reader.atEnd else { return micros }
            guard reader.take("T") || reader.take("t") || reader.take(" ") else { return nil }
            guard let hour = reader.number(2), reader.take(":"), let minute = reader.number(2), hour < 24, minute < 60 else { return nil }
            var seconds = 0
            var fraction: Int64 = 0
            if reader.take(":") {
                guard let second = reader.number(2), second < 61 else { return nil }
                seconds = min(second, 59)
                if reader.take(".") || reader.take(",") {
                    var digits = 0
                    while let digit = reader.digit() {
                        if digits < 6 { fraction = fraction * 10 + Int64(digit) }
                        digits += 1
                    }
                    guard digits > 0 else { return nil }
                    for _ in digits..<max(digits, 6) { fraction *= 10 }
                }
            }
            micros += Int64(hour * 3600 + minute * 60 + seconds) * 1_000_000 + fraction
            if reader.atEnd || reader.take("Z") || reader.take("z") { return reader.atEnd ? micros : nil }
            let sign: Int64
            if reader.take("+") { sign = 1 } else if reader.take("-") { sign = -1 } else { return nil }
            guard let offsetHours = reader.number(2) else { return nil }
            _ = reader.take(":")
            let offsetMinutes = reader.number(2) ?? 0
            guard reader.atEnd else { return nil }
            return micros - sign * Int64(offsetHours * 60 + offsetMinutes) * 60_000_000
        }
    }

    /// Days since 1970-01-01, or nil when the text is not a date (a date-time's date counts).
    static func days(_ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { bytes -> Int32? in
            var reader = DigitReader(bytes: bytes)
            guard let days = reader.date() else { return nil }
            if reader.atEnd { return Int32(days) }
            guard reader.take("T") || reader.take(" ") else { return nil }
            return Int32(days)
        }
    }

    private struct DigitReader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        var atEnd: Bool { position == bytes.count }

        mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(character.value) else { return false }
            position += 1
            return true
        }

        mutating func digit() -> Int? {
            guard position < bytes.count, (48...57).contains(bytes[position]) else { return nil }
            defer { position += 1 }
            return Int(bytes[position] - 48)
        }

        mutating func number(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }

        /// `YYYY-MM-DD` as days since the epoch (proleptic Gregorian).
        mutating func date() -> Int? {
            guard let year = number(4), take("-"), let month = number(2), take("-"), let day = number(2),
                  (1...12).contains(month), (1...31).contains(day) else { return nil }
            // Days from civil (Howard Hinnant's algorithm).
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            return era * 146_097 + dayOfEra - 719_468
        }
    }
}
