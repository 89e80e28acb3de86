import InletInterpolation

/// How a column writes its dates: the order of year, month and day and the separator between them,
/// always with a four-digit year (two-digit years are too ambiguous to guess).
public struct DateFormat: Sendable, Hashable, CustomStringConvertible {
    public enum Order: Sendable, Hashable, CaseIterable {
        case yearMonthDay, dayMonthYear, monthDayYear
    }

    public var order: Order
    public var separator: UInt8

    public init(order: Order, separator: Character) {
        self.order = order
        self.separator = separator.asciiValue ?? UInt8(ascii: "-")
    }

    public static let iso = DateFormat(order: .yearMonthDay, separator: "-")

    /// Every format inference tries.
    public static let candidates: [DateFormat] = Order.allCases.flatMap { order in
        ["-", "/", "."].map { DateFormat(order: order, separator: $0) }
    }

    /// strftime's spelling, as the preview shows it: `%d/%m/%Y`.
    public var description: String {
        let separator = String(UnicodeScalar(separator))
        switch order {
        case .yearMonthDay: return ["%Y", "%m", "%d"].joined(separator: separator)
        case .dayMonthYear: return ["%d", "%m", "%Y"].joined(separator: separator)
        case .monthDayYear: return ["%m", "%d", "%Y"].joined(separator: separator)
        }
    }

    /// A format written as strftime's `%d/%m/%Y` (the three fields, one separator).
    public init?(pattern: String) {
        guard let found = Self.candidates.first(where: { $0.description == pattern }) else { return nil }
        self = found
    }

    /// Reads a date at `position`, moving past it: days since 1970-01-01, or nil (position unchanged
    /// in meaning) when the bytes are not a valid date in this format.
    func days(in bytes: UnsafeBufferPointer<UInt8>, at position: inout Int) -> Int32? {
        var cursor = position
        func number(minimumDigits: Int, maximumDigits: Int) -> Int? {
            var value = 0
            var digits = 0
            while cursor < bytes.count, digits < maximumDigits, bytes[cursor] >= 48, bytes[cursor] <= 57 {
                value = value * 10 + Int(bytes[cursor] - 48)
                digits += 1
                cursor += 1
            }
            return digits >= minimumDigits ? value : nil
        }
        func separated() -> Bool {
            guard cursor < bytes.count, bytes[cursor] == separator else { return false }
            cursor += 1
            return true
        }
        let year: Int, month: Int, day: Int
        switch order {
        case .yearMonthDay:
            guard let y = number(minimumDigits: 4, maximumDigits: 4), separated(), let m = number(minimumDigits: 1, maximumDigits: 2),
                  separated(), let d = number(minimumDigits: 1, maximumDigits: 2) else { return nil }
            (year, month, day) = (y, m, d)
        case .dayMonthYear:
            guard let d = number(minimumDigits: 1, maximumDigits: 2), separated(), let m = number(minimumDigits: 1, maximumDigits: 2),
                  separated(), let y = number(minimumDigits: 4, maximumDigits: 4) else { return nil }
            (year, month, day) = (y, m, d)
        case .monthDayYear:
            guard let m = number(minimumDigits: 1, maximumDigits: 2), separated(), let d = number(minimumDigits: 1, maximumDigits: 2),
                  separated(), let y = number(minimumDigits: 4, maximumDigits: 4) else { return nil }
            (year, month, day) = (y, m, d)
        }
        // A digit right after the year means more than four of them.
        if cursor < bytes.count, bytes[cursor] >= 48, bytes[cursor] <= 57 { return nil }
        guard let days = CivilDate.days(year: year, month: month, day: day) else { return nil }
        position = cursor
        return days
    }
}

/// Dates as file imports read and write them, on the project's proleptic Gregorian calendar.
public enum CivilDate {
    /// Days since 1970-01-01, or nil for an impossible date (month 13, Feb 30, Feb 29 of a common year).
    public static func days(year: Int, month: Int, day: Int) -> Int32? {
        guard (1...12).contains(month), day >= 1, day <= CivilCalendar.daysIn(month: month, year: year) else { return nil }
        return Int32(exactly: CivilCalendar.dayNumber(year: year, month: month, day: day))
    }

    /// The year, month and day of a count of days since 1970-01-01.
    public static func date(days: Int64) -> (year: Int, month: Int, day: Int) {
        CivilCalendar.civil(fromDayNumber: Int(days))
    }

    /// `YYYY-MM-DD`.
    public static func isoText(days: Int64) -> String {
        let (year, month, day) = date(days: days)
        guard (0...9999).contains(year) else { return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2) }
        // Written into one buffer: a date's text is a small string, made without allocating.
        return String(unsafeUninitializedCapacity: 10) { buffer in
            write(year, width: 4, into: buffer, at: 0)
            buffer[4] = UInt8(ascii: "-")
            write(month, width: 2, into: buffer, at: 5)
            buffer[7] = UInt8(ascii: "-")
            write(day, width: 2, into: buffer, at: 8)
            return 10
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.ffffff]`, with `Z` when `zoned`.
    public static func isoText(microseconds: Int64, zoned: Bool) -> String {
        let perDay: Int64 = 86_400_000_000
        let days = microseconds >= 0 ? microseconds / perDay : (microseconds - perDay + 1) / perDay
        let rest = microseconds - days * perDay
        let seconds = Int(rest / 1_000_000)
        let fraction = Int(rest % 1_000_000)
        let (year, month, day) = date(days: days)
        guard (0...9999).contains(year) else {
            var text = padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2) + "T" + padded(seconds / 3600, 2) + ":"
                + padded(seconds / 60 % 60, 2) + ":" + padded(seconds % 60, 2)
            if fraction != 0 { text += "." + padded(fraction, 6) }
            return zoned ? text + "Z" : text
        }
        let length = 19 + (fraction != 0 ? 7 : 0) + (zoned ? 1 : 0)
        return String(unsafeUninitializedCapacity: length) { buffer in
            write(year, width: 4, into: buffer, at: 0)
            buffer[4] = UInt8(ascii: "-")
            write(month, width: 2, into: buffer, at: 5)
            buffer[7] = UInt8(ascii: "-")
            write(day, width: 2, into: buffer, at: 8)
            buffer[10] = UInt8(ascii: "T")
            write(seconds / 3600, width: 2, into: buffer, at: 11)
            buffer[13] = UInt8(ascii: ":")
            write(seconds / 60 % 60, width: 2, into: buffer, at: 14)
            buffer[16] = UInt8(ascii: ":")
            write(seconds % 60, width: 2, into: buffer, at: 17)
            var end = 19
            if fraction != 0 {
                buffer[19] = UInt8(ascii: ".")
                write(fraction, width: 6, into: buffer, at: 20)
                end = 26
            }
            if zoned { buffer[end] = UInt8(ascii: "Z"); end += 1 }
            return end
        }
    }

    private static func write(_ value: Int, width: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var value = value
        for position in stride(from: offset + width - 1, through: offset, by: -1) {
            buffer[position] = UInt8(48 + value % 10)
            value /= 10
        }
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(abs(value))
        let sign = value < 0 ? "-" : ""
        return sign + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
