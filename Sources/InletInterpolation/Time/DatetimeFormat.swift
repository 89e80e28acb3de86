/// The CDK's `DatetimeParser`: `strptime`/`strftime` plus the epoch formats `%s`, `%s_as_float`,
/// `%ms`, `%epoch_microseconds` and the millisecond directive `%_ms`. Parsed naive datetimes are UTC.
public enum DatetimeFormat {
    public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public static func parse(_ text: String, format: String) throws(FormatError) -> PyDateTime {
        try Parser(format).parse(text)
    }

    /// A format prepared once, for parsing many values (a cursor parses one per record).
    public struct Parser: Sendable {
        public let format: String
        private let strptime: Result<Strptime.Format, Strptime.ParseError>
        /// `%Y-%m-%dT%H:%M:%SZ`, the most common cursor format, read by position when the text has
        /// exactly that shape (anything else goes through strptime).
        private let isISOSecondsZ: Bool

        public init(_ format: String) {
            self.format = format
            isISOSecondsZ = format == "%Y-%m-%dT%H:%M:%SZ"
            switch format {
            case "%s", "%s_as_float", "%epoch_microseconds", "%ms":
                strptime = .failure(Strptime.ParseError(message: "not a strptime format"))
            default:
                let effectiveFormat = format.contains("%_ms") ? format.replacing("%_ms", with: "%f") : format
                strptime = Result { () throws(Strptime.ParseError) in try Strptime.Format(effectiveFormat) }
            }
        }

        public func parse(_ text: String) throws(FormatError) -> PyDateTime {
            if isISOSecondsZ, let parsed = Self.isoSecondsZ(text) { return parsed }
            if let epoch = try DatetimeFormat.parseEpoch(text, format: format) { return epoch }
            do {
                var parsed = try strptime.get().parse(text)
                if parsed.utcOffsetSeconds == nil { parsed.utcOffsetSeconds = 0 }
                return parsed
            } catch {
                throw FormatError(message: error.message)
            }
        }

        /// `YYYY-MM-DDTHH:MM:SSZ` with every digit in place and a valid date and time; nil otherwise.
        static func isoSecondsZ(_ text: String) -> PyDateTime? {
            var text = text
            return text.withUTF8 { bytes -> PyDateTime? in
                guard bytes.count == 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
                      bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "Z") else { return nil }
                func number(_ range: Range<Int>) -> Int? {
                    var value = 0
                    for index in range {
                        let digit = Int(bytes[index]) - 48
                        guard (0...9).contains(digit) else { return nil }
                        value = value * 10 + digit
                    }
                    return value
                }
                guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
                      let minute = number(14..<16), let second = number(17..<19) else { return nil }
                return PyDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second, utcOffsetSeconds: 0)
            }
        }
    }

    /// The epoch formats; nil for any other format.
    private static func parseEpoch(_ text: String, format: String) throws(FormatError) -> PyDateTime? {
        switch format {
        case "%s":
            guard let seconds = Int64(text.trimmingSpaces) ?? Double(text.trimmingSpaces).map({ Int64($0) }) else {
                throw FormatError(message: "invalid literal for int() with base 10: '\(text)'")
            }
            return PyDateTime(utcMicroseconds: seconds * 1_000_000)
        case "%s_as_float":
            guard let seconds = Double(text.trimmingSpaces) else {
                throw FormatError(message: "could not convert string to float: '\(text)'")
            }
            return PyDateTime(utcMicroseconds: Int64((seconds * 1_000_000).rounded()))
        case "%epoch_microseconds":
            guard let microseconds = Int64(text.trimmingSpaces) else {
                throw FormatError(message: "invalid literal for int() with base 10: '\(text)'")
            }
            return PyDateTime(utcMicroseconds: microseconds)
        case "%ms":
            guard let milliseconds = Int64(text.trimmingSpaces) else {
                throw FormatError(message: "invalid literal for int() with base 10: '\(text)'")
            }
            return PyDateTime(utcMicroseconds: milliseconds * 1000)
        default:
            return nil
        }
    }

    public static func format(_ datetime: PyDateTime, format: String) -> String {
        switch format {
        case "%s": return String(Int64(datetime.timestamp.rounded(.towardZero)))
        case "%s_as_float": return PythonFloat.repr(datetime.timestamp)
        case "%epoch_microseconds": return String(datetime.utcMicroseconds)
        case "%ms": return String(Int64((datetime.timestamp * 1000).rounded(.towardZero)))
        default:
            guard format.contains("%_ms") else { return Strftime.format(datetime, format) }
            let milliseconds = zeroPadded(datetime.microsecond / 1000, width: 3)
            let formatted = Strftime.format(datetime, format.replacing("%_ms", with: "%f"))
            return formatted.replacing(zeroPadded(datetime.microsecond, width: 6), with: milliseconds)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed())
    }
}
