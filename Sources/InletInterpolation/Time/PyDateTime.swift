/// Python's `datetime.datetime`: a wall-clock time to the microsecond, naive or with a fixed UTC offset.
public struct PyDateTime: Sendable {
    /// Microseconds since 1970-01-01T00:00 of the wall-clock fields (not adjusted by the offset).
    public var wallMicroseconds: Int64
    /// Offset from UTC in seconds; `nil` for a naive datetime.
    public var utcOffsetSeconds: Int?

    public init(wallMicroseconds: Int64, utcOffsetSeconds: Int?) {
        self.wallMicroseconds = wallMicroseconds
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
                 microsecond: Int = 0, utcOffsetSeconds: Int? = nil) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= CivilCalendar.daysIn(month: month, year: year),
              (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second), (0...999_999).contains(microsecond)
        else { return nil }
        let days = Int64(CivilCalendar.dayNumber(year: year, month: month, day: day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        self.init(wallMicroseconds: seconds * 1_000_000 + Int64(microsecond), utcOffsetSeconds: utcOffsetSeconds)
    }

    /// An aware UTC datetime for a POSIX time in microseconds.
    public init(utcMicroseconds: Int64) {
        self.init(wallMicroseconds: utcMicroseconds, utcOffsetSeconds: 0)
    }

    public var isAware: Bool { utcOffsetSeconds != nil }

    /// Microseconds since the epoch in UTC; a naive datetime is taken as UTC.
    public var utcMicroseconds: Int64 { wallMicroseconds - Int64(utcOffsetSeconds ?? 0) * 1_000_000 }

    /// POSIX seconds, as Python's `timestamp()` (naive datetimes as UTC, which is the machine's zone in
    /// the reference runs).
    public var timestamp: Double { Double(utcMicroseconds) / 1_000_000 }

    public var dayNumber: Int { Int(CivilCalendar.floorDivide(wallMicroseconds, PyTimedelta.microsecondsPerDay)) }
    private var microsecondOfDay: Int64 { CivilCalendar.floorModulo(wallMicroseconds, PyTimedelta.microsecondsPerDay) }

    public var year: Int { CivilCalendar.civil(fromDayNumber: dayNumber).year }
    public var month: Int { CivilCalendar.civil(fromDayNumber: dayNumber).month }
    public var day: Int { CivilCalendar.civil(fromDayNumber: dayNumber).day }
    public var hour: Int { Int(microsecondOfDay / 3_600_000_000) }
    public var minute: Int { Int(microsecondOfDay / 60_000_000 % 60) }
    public var second: Int { Int(microsecondOfDay / 1_000_000 % 60) }
    public var microsecond: Int { Int(microsecondOfDay % 1_000_000) }
    /// Monday = 0.
    public var weekday: Int { CivilCalendar.weekday(dayNumber: dayNumber) }
    public var date: PyDate { PyDate(dayNumber: dayNumber) }

    /// The same instant expressed with another offset (Python's `astimezone`).
    public func converted(toOffset offset: Int) -> PyDateTime {
        PyDateTime(wallMicroseconds: utcMicroseconds + Int64(offset) * 1_000_000, utcOffsetSeconds: offset)
    }

    public func adding(_ delta: PyTimedelta) -> PyDateTime? {
        var result = self
        if delta.hasCalendarPart {
            // As isodate adds a Duration: move the month, clamp the day, then add the rest.
            let totalMonths = month - 1 + delta.months
            let newYear = year + delta.years + Int(CivilCalendar.floorDivide(Int64(totalMonths), 12))
            let newMonth = Int(CivilCalendar.floorModulo(Int64(totalMonths), 12)) + 1
            let newDay = min(day, CivilCalendar.daysIn(month: newMonth, year: newYear))
            guard let moved = PyDateTime(year: newYear, month: newMonth, day: newDay, hour: hour, minute: minute,
                                         second: second, microsecond: microsecond, utcOffsetSeconds: utcOffsetSeconds)
            else { return nil }
            result = moved
        }
        result.wallMicroseconds += delta.microseconds
        guard (1...9999).contains(result.year) else { return nil }
        return result
    }

    /// Python's `replace(...)` for the fields given.
    public func replacing(year: Int? = nil, month: Int? = nil, day: Int? = nil, hour: Int? = nil, minute: Int? = nil,
                          second: Int? = nil, microsecond: Int? = nil, utcOffsetSeconds: Int?? = nil) -> PyDateTime? {
        PyDateTime(year: year ?? self.year, month: month ?? self.month, day: day ?? self.day, hour: hour ?? self.hour,
                   minute: minute ?? self.minute, second: second ?? self.second, microsecond: microsecond ?? self.microsecond,
                   utcOffsetSeconds: utcOffsetSeconds ?? self.utcOffsetSeconds)
    }

    /// `+00:00`, `-05:30`, or empty for a naive datetime; `separator` is `:` for isoformat, empty for `%z`.
    public func offsetText(separator: String = ":") -> String {
        guard let offset = utcOffsetSeconds else { return "" }
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        var text = sign + twoDigits(magnitude / 3600) + separator + twoDigits(magnitude / 60 % 60)
        if magnitude % 60 != 0 { text += separator + twoDigits(magnitude % 60) }
        return text
    }

    /// How much of the time `isoformat` writes: Python's `timespec` argument.
    public enum TimeSpec: String, Sendable, CaseIterable {
        /// Seconds when the microsecond is 0, else microseconds.
        case auto, hours, minutes, seconds, milliseconds, microseconds
    }

    /// `isoformat(sep, timespec)`: `2024-06-01T00:00:00.500000+00:00`. Smaller units are cut off,
    /// never rounded, as Python does (`milliseconds` of .999999 is .999).
    public func isoformat(separator: String = "T", timespec: TimeSpec = .auto) -> String {
        var text = zeroPadded(year, width: 4) + "-" + twoDigits(month) + "-" + twoDigits(day) + separator + twoDigits(hour)
        let resolved = timespec == .auto ? (microsecond == 0 ? .seconds : .microseconds) : timespec
        if resolved != .hours { text += ":" + twoDigits(minute) }
        if resolved != .hours && resolved != .minutes { text += ":" + twoDigits(second) }
        if resolved == .milliseconds { text += "." + zeroPadded(microsecond / 1000, width: 3) }
        if resolved == .microseconds { text += "." + zeroPadded(microsecond, width: 6) }
        return text + offsetText()
    }

    /// `str(datetime)`: the isoformat with a space.
    public var pythonString: String { isoformat(separator: " ") }

    public var pythonRepr: String {
        var fields = [year, month, day, hour, minute].map(String.init)
        if second != 0 || microsecond != 0 { fields.append(String(second)) }
        if microsecond != 0 { fields.append(String(microsecond)) }
        var text = "datetime.datetime(\(fields.joined(separator: ", "))"
        if let offset = utcOffsetSeconds {
            text += offset == 0 ? ", tzinfo=datetime.timezone.utc" : ", tzinfo=datetime.timezone(datetime.timedelta(seconds=\(offset)))"
        }
        return text + ")"
    }
}

extension PyDateTime: Hashable {
    /// Aware datetimes are equal when they are the same instant; a naive one never equals an aware one.
    public static func == (lhs: PyDateTime, rhs: PyDateTime) -> Bool {
        guard lhs.isAware == rhs.isAware else { return false }
        return lhs.utcMicroseconds == rhs.utcMicroseconds
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(utcMicroseconds)
    }
}

extension PyDateTime: Comparable {
    /// Orders by instant, naive datetimes taken as UTC.
    public static func < (lhs: PyDateTime, rhs: PyDateTime) -> Bool {
        lhs.utcMicroseconds < rhs.utcMicroseconds
    }
}

/// Python's `datetime.date`.
public struct PyDate: Sendable, Hashable {
    public var dayNumber: Int

    public init(dayNumber: Int) {
        self.dayNumber = dayNumber
    }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= CivilCalendar.daysIn(month: month, year: year)
        else { return nil }
        dayNumber = CivilCalendar.dayNumber(year: year, month: month, day: day)
    }

    public var year: Int { CivilCalendar.civil(fromDayNumber: dayNumber).year }
    public var month: Int { CivilCalendar.civil(fromDayNumber: dayNumber).month }
    public var day: Int { CivilCalendar.civil(fromDayNumber: dayNumber).day }
    public var weekday: Int { CivilCalendar.weekday(dayNumber: dayNumber) }

    /// Midnight of this day, naive, as `strftime` of a date sees it.
    public var midnight: PyDateTime {
        PyDateTime(wallMicroseconds: Int64(dayNumber) * PyTimedelta.microsecondsPerDay, utcOffsetSeconds: nil)
    }

    public var isoformat: String { zeroPadded(year, width: 4) + "-" + twoDigits(month) + "-" + twoDigits(day) }
    public var pythonRepr: String { "datetime.date(\(year), \(month), \(day))" }
}
