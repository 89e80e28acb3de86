/// Python's `datetime.timedelta`, extended with the calendar part of an `isodate.Duration` (years and
/// months), which `duration('P1M')` produces.
public struct PyTimedelta: Sendable, Hashable {
    public static let microsecondsPerSecond: Int64 = 1_000_000
    public static let microsecondsPerDay: Int64 = 86_400 * 1_000_000

    public var microseconds: Int64
    public var months: Int
    public var years: Int

    public init(microseconds: Int64, months: Int = 0, years: Int = 0) {
        self.microseconds = microseconds
        self.months = months
        self.years = years
    }

    public init(days: Double = 0, seconds: Double = 0, microseconds: Double = 0, milliseconds: Double = 0,
                minutes: Double = 0, hours: Double = 0, weeks: Double = 0) {
        let total = (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds
        self.init(microseconds: Int64((total * 1_000_000 + milliseconds * 1000 + microseconds).rounded()))
    }

    public var hasCalendarPart: Bool { months != 0 || years != 0 }

    /// Normalised as Python does: days may be negative, seconds in 0..<86400, microseconds in 0..<1e6.
    public var days: Int64 { CivilCalendar.floorDivide(microseconds, Self.microsecondsPerDay) }
    public var secondsOfDay: Int64 {
        CivilCalendar.floorModulo(microseconds, Self.microsecondsPerDay) / Self.microsecondsPerSecond
    }
    public var microsecondsOfSecond: Int64 { CivilCalendar.floorModulo(microseconds, Self.microsecondsPerSecond) }

    public var totalSeconds: Double { Double(microseconds) / 1_000_000 }

    public static prefix func - (value: PyTimedelta) -> PyTimedelta {
        PyTimedelta(microseconds: -value.microseconds, months: -value.months, years: -value.years)
    }

    public static func + (lhs: PyTimedelta, rhs: PyTimedelta) -> PyTimedelta {
        PyTimedelta(microseconds: lhs.microseconds + rhs.microseconds, months: lhs.months + rhs.months, years: lhs.years + rhs.years)
    }

    /// `str(timedelta)`: `1 day, 2:03:04.000005`; with a calendar part, as `isodate.Duration` prints.
    public var pythonString: String {
        var text = ""
        let hours = secondsOfDay / 3600
        let minutes = (secondsOfDay % 3600) / 60
        let seconds = secondsOfDay % 60
        text = "\(hours):\(twoDigits(minutes)):\(twoDigits(seconds))"
        if days != 0 {
            text = "\(days) day\(abs(days) == 1 ? "" : "s"), " + text
        }
        if microsecondsOfSecond != 0 {
            let fraction = String(microsecondsOfSecond)
            text += "." + String(repeating: "0", count: 6 - fraction.count) + fraction
        }
        guard hasCalendarPart else { return text }
        var parts: [String] = []
        if years != 0 { parts.append("\(years) years") }
        if months != 0 { parts.append(months <= 1 ? "\(months) month" : "\(months) months") }
        parts.append(text)
        return parts.joined(separator: ", ")
    }

    /// `repr(timedelta)`: `datetime.timedelta(days=30)`.
    public var pythonRepr: String {
        guard !hasCalendarPart else { return "isodate.duration.Duration(\(pythonString))" }
        var arguments: [String] = []
        if days != 0 { arguments.append("days=\(days)") }
        if secondsOfDay != 0 { arguments.append("seconds=\(secondsOfDay)") }
        if microsecondsOfSecond != 0 { arguments.append("microseconds=\(microsecondsOfSecond)") }
        return "datetime.timedelta(\(arguments.joined(separator: ", ")))"
    }
}

func twoDigits(_ value: Int64) -> String {
    value < 10 ? "0\(value)" : "\(value)"
}

func twoDigits(_ value: Int) -> String {
    value < 10 ? "0\(value)" : "\(value)"
}

func zeroPadded(_ value: Int, width: Int) -> String {
    let digits = String(abs(value))
    let padded = digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    return value < 0 ? "-" + padded : padded
}
