/// `isodate.parse_duration`, which the `duration()` macro calls: `P1D`, `PT30M`, `-P1Y2M`, `P2W`,
/// with fractions (`PT0.5S`). Years and months make a calendar duration.
public enum ISODuration {
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public static func parse(_ text: String) throws(ParseError) -> PyTimedelta {
        var scalars = Array(text.unicodeScalars)[...]
        var negative = false
        if let first = scalars.first, first == "+" || first == "-" {
            negative = first == "-"
            scalars.removeFirst()
        }
        guard scalars.popFirst() == "P", !scalars.isEmpty else { throw invalid(text) }
        var years = 0.0, months = 0.0, weeks = 0.0, days = 0.0, hours = 0.0, minutes = 0.0, seconds = 0.0
        var inTime = false
        var order = 0
        while !scalars.isEmpty {
            if scalars.first == "T" {
                guard !inTime else { throw invalid(text) }
                inTime = true
                scalars.removeFirst()
                guard !scalars.isEmpty else { throw invalid(text) }
                continue
            }
            var number = ""
            while let next = scalars.first, ("0"..."9").contains(next) || next == "." || next == "," {
                number.unicodeScalars.append(next == "," ? "." : next)
                scalars.removeFirst()
            }
            guard !number.isEmpty, let value = Double(number), let unit = scalars.popFirst() else { throw invalid(text) }
            // Units must come in the standard's order, each at most once.
            let rank: Int
            switch (inTime, unit) {
            case (false, "Y"): years = value; rank = 1
            case (false, "M"): months = value; rank = 2
            case (false, "W"): weeks = value; rank = 3
            case (false, "D"): days = value; rank = 4
            case (true, "H"): hours = value; rank = 5
            case (true, "M"): minutes = value; rank = 6
            case (true, "S"): seconds = value; rank = 7
            default: throw invalid(text)
            }
            guard rank > order else { throw invalid(text) }
            order = rank
        }
        var duration = PyTimedelta(days: days, seconds: seconds, minutes: minutes, hours: hours, weeks: weeks)
        duration.years = Int(years)
        duration.months = Int(months)
        return negative ? -duration : duration
    }

    private static func invalid(_ text: String) -> ParseError {
        ParseError(message: "Unable to parse duration string '\(text)'")
    }
}
