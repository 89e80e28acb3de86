/// Python's `datetime.strftime` on Linux: Python expands `%f`, `%z` and `%Z` itself and hands the
/// rest to glibc's `strftime` in the C locale, flags (`%-d`, `%_d`, `%^a`) included.
public enum Strftime {
    static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"]

    public static func format(_ datetime: PyDateTime, _ format: String) -> String {
        var output = ""
        var scalars = Array(format.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "%" else {
                output.unicodeScalars.append(scalar)
                continue
            }
            var flag: Unicode.Scalar?
            if let next = scalars.first, "-_0^#".unicodeScalars.contains(next) {
                flag = next
                scalars.removeFirst()
            }
            guard let directive = scalars.popFirst() else {
                output += "%" + (flag.map { String($0) } ?? "")
                break
            }
            output += expand(directive, flag: flag, datetime)
        }
        return output
    }

    private static func expand(_ directive: Unicode.Scalar, flag: Unicode.Scalar?, _ datetime: PyDateTime) -> String {
        func number(_ value: Int, width: Int, padding: Character = "0") -> String {
            let digits = String(value)
            switch flag {
            case "-": return digits
            case "_": return String(repeating: " ", count: max(0, width - digits.count)) + digits
            case "0": return String(repeating: "0", count: max(0, width - digits.count)) + digits
            default: return String(repeating: padding, count: max(0, width - digits.count)) + digits
            }
        }
        func text(_ value: String) -> String {
            switch flag {
            case "^": return value.uppercased()
            case "#": return value.uppercased() == value ? value.lowercased() : value.uppercased()
            default: return value
            }
        }
        let hour12 = datetime.hour % 12 == 0 ? 12 : datetime.hour % 12
        let ordinal = CivilCalendar.ordinalDay(year: datetime.year, month: datetime.month, day: datetime.day)
        switch directive {
        case "a": return text(String(weekdayNames[datetime.weekday].prefix(3)))
        case "A": return text(weekdayNames[datetime.weekday])
        case "b", "h": return text(String(monthNames[datetime.month - 1].prefix(3)))
        case "B": return text(monthNames[datetime.month - 1])
        case "c": return format(datetime, "%a %b %e %H:%M:%S %Y")
        case "C": return number(datetime.year / 100, width: 2)
        case "d": return number(datetime.day, width: 2)
        case "D": return format(datetime, "%m/%d/%y")
        case "e": return number(datetime.day, width: 2, padding: " ")
        case "f": return zeroPadded(datetime.microsecond, width: 6)
        case "F": return format(datetime, "%Y-%m-%d")
        case "g": return number(isoWeek(datetime).year % 100, width: 2)
        case "G": return number(isoWeek(datetime).year, width: 1)
        case "H": return number(datetime.hour, width: 2)
        case "I": return number(hour12, width: 2)
        case "j": return number(ordinal, width: 3)
        case "k": return number(datetime.hour, width: 2, padding: " ")
        case "l": return number(hour12, width: 2, padding: " ")
        case "m": return number(datetime.month, width: 2)
        case "M": return number(datetime.minute, width: 2)
        case "n": return "\n"
        case "p": return text(datetime.hour < 12 ? "AM" : "PM")
        case "P": return datetime.hour < 12 ? "am" : "pm"
        case "r": return format(datetime, "%I:%M:%S %p")
        case "R": return format(datetime, "%H:%M")
        // glibc's %s reads the fields as local time; the reference runs with TZ=UTC.
        case "s": return String(CivilCalendar.floorDivide(datetime.wallMicroseconds, 1_000_000))
        case "S": return number(datetime.second, width: 2)
        case "t": return "\t"
        case "T": return format(datetime, "%H:%M:%S")
        case "u": return String(datetime.weekday + 1)
        case "U": return number((ordinal + 6 - (datetime.weekday + 1) % 7) / 7, width: 2)
        case "V": return number(isoWeek(datetime).week, width: 2)
        case "w": return String((datetime.weekday + 1) % 7)
        case "W": return number((ordinal + 6 - datetime.weekday) / 7, width: 2)
        case "x": return format(datetime, "%m/%d/%y")
        case "X": return format(datetime, "%H:%M:%S")
        case "y": return number(datetime.year % 100, width: 2)
        case "Y": return number(datetime.year, width: 1)
        case "z": return datetime.offsetText(separator: "")
        case "Z": return datetime.utcOffsetSeconds == nil ? "" : (datetime.utcOffsetSeconds == 0 ? "UTC" : "UTC" + datetime.offsetText())
        case "%": return "%"
        default: return "%" + (flag.map { String($0) } ?? "") + String(directive)
        }
    }

    /// ISO 8601 week-numbering year and week.
    static func isoWeek(_ datetime: PyDateTime) -> (year: Int, week: Int) {
        let isoWeekday = datetime.weekday + 1
        let ordinal = CivilCalendar.ordinalDay(year: datetime.year, month: datetime.month, day: datetime.day)
        let week = (ordinal - isoWeekday + 10) / 7
        if week < 1 {
            let previousYear = datetime.year - 1
            let lastDay = PyDateTime(year: previousYear, month: 12, day: 31)!
            return isoWeek(lastDay)
        }
        let weeksInYear = Self.weeksIn(isoYear: datetime.year)
        if week > weeksInYear { return (datetime.year + 1, 1) }
        return (datetime.year, week)
    }

    private static func weeksIn(isoYear year: Int) -> Int {
        func p(_ y: Int) -> Int { (y + y / 4 - y / 100 + y / 400) % 7 }
        return p(year) == 4 || p(year - 1) == 3 ? 53 : 52
    }
}
