/// `dateutil.parser.isoparse`, which the CDK's `str_to_datetime` uses: ISO 8601 dates (`2024`,
/// `2024-06`, `2024-06-01`, `20240601`), any single-character separator, times with optional
/// fraction and `Z`/`±HH[:MM]` offsets. The result is naive when the text has no offset.
public enum ISODateParser {
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public static func parse(_ text: String) throws(ParseError) -> PyDateTime {
        let scalars = Array(text.unicodeScalars)
        var (year, month, day, position) = try parseDate(scalars)
        var components = (hour: 0, minute: 0, second: 0, microsecond: 0, offset: Int?.none)
        if position < scalars.count {
            components = try parseTime(Array(scalars[(position + 1)...]))
            position = scalars.count
        }
        var addDay = false
        if components.hour == 24 {
            components.hour = 0
            addDay = true
        }
        guard var datetime = PyDateTime(year: year, month: month, day: day, hour: components.hour, minute: components.minute,
                                        second: components.second, microsecond: components.microsecond,
                                        utcOffsetSeconds: components.offset)
        else {
            throw ParseError(message: "day is out of range for month")
        }
        if addDay { datetime.wallMicroseconds += PyTimedelta.microsecondsPerDay }
        year = datetime.year
        month = datetime.month
        day = datetime.day
        return datetime
    }

    private static func number(_ scalars: ArraySlice<Unicode.Scalar>) throws(ParseError) -> Int {
        guard !scalars.isEmpty, scalars.allSatisfy({ ("0"..."9").contains($0) }),
              let value = Int(String(String.UnicodeScalarView(scalars)))
        else {
            throw ParseError(message: "invalid literal for int() with base 10: '\(String(String.UnicodeScalarView(scalars)))'")
        }
        return value
    }

    private static func parseDate(_ scalars: [Unicode.Scalar]) throws(ParseError) -> (Int, Int, Int, Int) {
        guard scalars.count >= 4 else { throw ParseError(message: "ISO string too short") }
        let year = try number(scalars[0..<4])
        var position = 4
        guard position < scalars.count else { return (year, 1, 1, position) }
        let hasSeparator = scalars[position] == "-"
        if hasSeparator { position += 1 }
        if hasSeparator, position < scalars.count, scalars[position] == "W" || ("0"..."9").contains(scalars[position]),
           scalars[position] == "W" || isOrdinalDate(scalars, from: position)
        {
            return try parseUncommonDate(scalars, year: year, position: position)
        }
        guard scalars.count - position >= 2 else { throw ParseError(message: "Invalid common month") }
        let month = try number(scalars[position..<(position + 2)])
        position += 2
        if position >= scalars.count {
            guard hasSeparator else { throw ParseError(message: "Invalid ISO format") }
            return (year, month, 1, position)
        }
        if hasSeparator {
            guard scalars[position] == "-" else { throw ParseError(message: "Invalid separator in ISO string") }
            position += 1
        }
        guard scalars.count - position >= 2 else { throw ParseError(message: "Invalid common day") }
        let day = try number(scalars[position..<(position + 2)])
        return (year, month, day, position + 2)
    }

    /// `YYYY-DDD`: three digits not followed by another digit.
    private static func isOrdinalDate(_ scalars: [Unicode.Scalar], from position: Int) -> Bool {
        guard position + 3 <= scalars.count else { return false }
        guard scalars[position..<(position + 3)].allSatisfy({ ("0"..."9").contains($0) }) else { return false }
        return position + 3 == scalars.count || !("0"..."9").contains(scalars[position + 3]) && scalars[position + 3] != "-"
    }

    private static func parseUncommonDate(_ scalars: [Unicode.Scalar], year: Int, position start: Int) throws(ParseError) -> (Int, Int, Int, Int) {
        var position = start
        if scalars[position] == "W" {
            position += 1
            guard scalars.count - position >= 2 else { throw ParseError(message: "Invalid ISO week") }
            let week = try number(scalars[position..<(position + 2)])
            position += 2
            var weekday = 1
            if position < scalars.count, scalars[position] == "-" {
                position += 1
                weekday = try number(scalars[position..<(position + 1)])
                position += 1
            }
            // Monday of ISO week 1 is the Monday on or before January 4th.
            let january4 = CivilCalendar.dayNumber(year: year, month: 1, day: 4)
            let mondayOfWeek1 = january4 - CivilCalendar.weekday(dayNumber: january4)
            let civil = CivilCalendar.civil(fromDayNumber: mondayOfWeek1 + (week - 1) * 7 + weekday - 1)
            return (civil.year, civil.month, civil.day, position)
        }
        let ordinal = try number(scalars[position..<(position + 3)])
        guard (1...(CivilCalendar.isLeap(year) ? 366 : 365)).contains(ordinal) else {
            throw ParseError(message: "Invalid ordinal day \(ordinal) for year \(year)")
        }
        let civil = CivilCalendar.civil(fromDayNumber: CivilCalendar.dayNumber(year: year, month: 1, day: 1) + ordinal - 1)
        return (civil.year, civil.month, civil.day, position + 3)
    }

    private static func parseTime(_ scalars: [Unicode.Scalar]) throws(ParseError) -> (hour: Int, minute: Int, second: Int, microsecond: Int, offset: Int?) {
        guard scalars.count >= 2 else { throw ParseError(message: "ISO time too short") }
        var components = [0, 0, 0, 0]
        var offset: Int?
        var position = 0
        var component = -1
        var hasSeparator = false
        while position < scalars.count && component < 5 {
            component += 1
            if "-+Zz".unicodeScalars.contains(scalars[position]) {
                offset = try parseZone(Array(scalars[position...]))
                position = scalars.count
                break
            }
            if component == 1 && scalars[position] == ":" {
                hasSeparator = true
                position += 1
            } else if component == 2 && hasSeparator {
                guard scalars[position] == ":" else { throw ParseError(message: "Inconsistent use of colon separator") }
                position += 1
            }
            if component < 3 {
                guard position + 2 <= scalars.count else { throw ParseError(message: "invalid literal for int() with base 10") }
                components[component] = try number(scalars[position..<(position + 2)])
                position += 2
            }
            if component == 3 {
                guard position < scalars.count, scalars[position] == "." || scalars[position] == "," else { continue }
                var end = position + 1
                while end < scalars.count, ("0"..."9").contains(scalars[end]) { end += 1 }
                guard end > position + 1 else { continue }
                let digits = String(String.UnicodeScalarView(scalars[(position + 1)..<min(end, position + 7)]))
                components[3] = (Int(digits) ?? 0) * Int(pow10(6 - digits.count))
                position = end
            }
        }
        guard position >= scalars.count else { throw ParseError(message: "Unused components in ISO string") }
        if components[0] == 24, components[1...3].contains(where: { $0 != 0 }) {
            throw ParseError(message: "Hour may only be 24 at 24:00:00.000")
        }
        return (components[0], components[1], components[2], components[3], offset)
    }

    private static func parseZone(_ scalars: [Unicode.Scalar]) throws(ParseError) -> Int {
        if scalars.count == 1, scalars[0] == "Z" || scalars[0] == "z" { return 0 }
        guard [3, 5, 6].contains(scalars.count) else { throw ParseError(message: "Time zone offset must be 1, 3, 5 or 6 characters") }
        let sign = scalars[0] == "-" ? -1 : (scalars[0] == "+" ? 1 : 0)
        guard sign != 0 else { throw ParseError(message: "Time zone offset requires sign") }
        let hours = try number(scalars[1..<3])
        var minutes = 0
        if scalars.count == 5 { minutes = try number(scalars[3..<5]) }
        if scalars.count == 6 { minutes = try number(scalars[4..<6]) }
        guard hours <= 23 else { throw ParseError(message: "Invalid hours in time zone offset") }
        guard minutes <= 59 else { throw ParseError(message: "Invalid minutes in time zone offset") }
        return sign * (hours * 3600 + minutes * 60)
    }

    private static func pow10(_ exponent: Int) -> Int {
        var value = 1
        for _ in 0..<max(0, exponent) { value *= 10 }
        return value
    }
}
