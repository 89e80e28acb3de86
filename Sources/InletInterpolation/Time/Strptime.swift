/// Python's `datetime.strptime`: the directives of `_strptime.TimeRE`, matched case-insensitively with
/// the same alternatives in the same order and backtracking between them, anchored at both ends.
public enum Strptime {
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// One element of a compiled format.
    enum Element: Sendable {
        case literal(Unicode.Scalar)
        case whitespace
        case directive(Character)
    }

    public static func parse(_ string: String, format: String) throws(ParseError) -> PyDateTime {
        try Format(format).parse(string)
    }

    /// A format compiled once, for parsing many values.
    public struct Format: Sendable {
        public let format: String
        let elements: [Element]

        public init(_ format: String) throws(ParseError) {
            self.format = format
            elements = try Strptime.compile(format)
        }

        public func parse(_ string: String) throws(ParseError) -> PyDateTime {
            if let parsed = parseNumeric(string) { return parsed }
            let input = Array(string.unicodeScalars)
            var captures: [Character: String] = [:]
            // The regular expression tries each directive's alternatives in order, depth first: when
            // taking the first alternative everywhere matches, that is its answer, found without
            // backtracking. Otherwise the full search decides.
            if !matchFirstAlternatives(input, &captures) {
                captures.removeAll()
                guard match(elements[...], input, 0, &captures) else {
                    throw ParseError(message: "time data \(pythonQuoted(string)) does not match format \(pythonQuoted(format))")
                }
            }
            return try build(from: captures, string: string, format: format)
        }

        /// The common case without allocating: ASCII text and a format of literals, whitespace and the
        /// directives `%Y %m %d %H %M %S %f`, each taking its first alternative. Nil when the format or
        /// the text needs more (the general path then decides, with its errors).
        private func parseNumeric(_ string: String) -> PyDateTime? {
            var string = string
            return string.withUTF8 { bytes -> PyDateTime? in
                var position = 0
                var fields = (year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0, microsecond: 0)
                for element in elements {
                    switch element {
                    case .literal(let scalar):
                        guard scalar.isASCII, position < bytes.count,
                              equalIgnoringCase(Unicode.Scalar(bytes[position]), scalar) else { return nil }
                        position += 1
                    case .whitespace:
                        let start = position
                        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D].contains(bytes[position]) { position += 1 }
                        guard position > start else { return nil }
                    case .directive(let directive):
                        let length: Int
                        if directive == "f" {
                            var end = position
                            while end < bytes.count, end - position < 6, bytes[end] &- 0x30 < 10 { end += 1 }
                            length = end - position
                        } else {
                            guard let alternatives = numericAlternatives[directive],
                                  let first = Strptime.firstAlternativeLength(alternatives, bytes, position) else { return nil }
                            length = first
                        }
                        guard length > 0 else { return nil }
                        var value = 0
                        for index in position..<position + length where bytes[index] != 0x20 { value = value * 10 + Int(bytes[index] &- 0x30) }
                        switch directive {
                        case "Y": fields.year = value
                        case "m": fields.month = value
                        case "d": fields.day = value
                        case "H": fields.hour = value
                        case "M": fields.minute = value
                        case "S": fields.second = value
                        case "f": for _ in length..<6 { value *= 10 }; fields.microsecond = value
                        default: return nil
                        }
                        position += length
                    }
                }
                guard position == bytes.count, fields.second <= 59 else { return nil }
                return PyDateTime(year: fields.year, month: fields.month, day: fields.day, hour: fields.hour, minute: fields.minute,
                                  second: fields.second, microsecond: fields.microsecond, utcOffsetSeconds: nil)
            }
        }

        private func matchFirstAlternatives(_ input: [Unicode.Scalar], _ captures: inout [Character: String]) -> Bool {
            var position = 0
            for element in elements {
                switch element {
                case .literal(let scalar):
                    guard position < input.count, equalIgnoringCase(input[position], scalar) else { return false }
                    position += 1
                case .whitespace:
                    let start = position
                    while position < input.count, input[position].properties.isWhitespace { position += 1 }
                    guard position > start else { return false }
                case .directive(let directive):
                    guard let length = candidateLengths(directive, input, position).first else { return false }
                    captures[directive] = String(String.UnicodeScalarView(input[position..<(position + length)]))
                    position += length
                }
            }
            return position == input.count
        }
    }

    static func compile(_ format: String) throws(ParseError) -> [Element] {
        var elements: [Element] = []
        var scalars = Array(format.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if scalar == "%" {
                guard let directive = scalars.popFirst() else {
                    throw ParseError(message: "stray % in format \(pythonQuoted(format))")
                }
                let character = Character(directive)
                guard "dfHIGjmMSUwuVyYzAaBbpZWcxX%".contains(character) else {
                    throw ParseError(message: "'\(character)' is a bad directive in format '%\(character)'")
                }
                switch character {
                case "c": elements += try compile("%a %b %d %H:%M:%S %Y")
                case "x": elements += try compile("%m/%d/%y")
                case "X": elements += try compile("%H:%M:%S")
                case "%": elements.append(.literal("%"))
                default: elements.append(.directive(character))
                }
            } else if scalar.properties.isWhitespace {
                while let next = scalars.first, next.properties.isWhitespace { scalars.removeFirst() }
                elements.append(.whitespace)
            } else {
                elements.append(.literal(scalar))
            }
        }
        return elements
    }

    private static func match(_ elements: ArraySlice<Element>, _ input: [Unicode.Scalar], _ position: Int,
                              _ captures: inout [Character: String]) -> Bool {
        guard let element = elements.first else { return position == input.count }
        let rest = elements.dropFirst()
        switch element {
        case .literal(let scalar):
            guard position < input.count, equalIgnoringCase(input[position], scalar) else { return false }
            return match(rest, input, position + 1, &captures)
        case .whitespace:
            var end = position
            while end < input.count, input[end].properties.isWhitespace { end += 1 }
            guard end > position else { return false }
            // \s+ is greedy and backtracks.
            for stop in stride(from: end, to: position, by: -1) where match(rest, input, stop, &captures) {
                return true
            }
            return false
        case .directive(let directive):
            for length in candidateLengths(directive, input, position) {
                let saved = captures[directive]
                captures[directive] = String(String.UnicodeScalarView(input[position..<(position + length)]))
                if match(rest, input, position + length, &captures) { return true }
                captures[directive] = saved
            }
            return false
        }
    }

    private static func equalIgnoringCase(_ lhs: Unicode.Scalar, _ rhs: Unicode.Scalar) -> Bool {
        if lhs == rhs { return true }
        if lhs.isASCII && rhs.isASCII {
            let lower = lhs.value | 0x20
            return lower == rhs.value | 0x20 && lower >= 0x61 && lower <= 0x7A
        }
        return String(lhs).lowercased() == String(rhs).lowercased()
    }

    // MARK: - Alternatives, in the order Python's regular expressions try them

    fileprivate typealias Pattern = [@Sendable (Unicode.Scalar) -> Bool]

    @Sendable private static func digit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
    private static func exactly(_ value: Unicode.Scalar) -> @Sendable (Unicode.Scalar) -> Bool { { $0 == value } }
    private static func range(_ low: Unicode.Scalar, _ high: Unicode.Scalar) -> @Sendable (Unicode.Scalar) -> Bool { { (low...high).contains($0) } }

    fileprivate static let numericAlternatives: [Character: [Pattern]] = [
        "d": [[exactly("3"), range("0", "1")], [range("1", "2"), digit], [exactly("0"), range("1", "9")], [range("1", "9")], [exactly(" "), range("1", "9")]],
        "H": [[exactly("2"), range("0", "3")], [range("0", "1"), digit], [digit]],
        "I": [[exactly("1"), range("0", "2")], [exactly("0"), range("1", "9")], [range("1", "9")]],
        "G": [[digit, digit, digit, digit]],
        "j": [[exactly("3"), exactly("6"), range("0", "6")], [exactly("3"), range("0", "5"), digit], [range("1", "2"), digit, digit],
              [exactly("0"), range("1", "9"), digit], [exactly("0"), exactly("0"), range("1", "9")], [range("1", "9"), digit],
              [exactly("0"), range("1", "9")], [range("1", "9")]],
        "m": [[exactly("1"), range("0", "2")], [exactly("0"), range("1", "9")], [range("1", "9")]],
        "M": [[range("0", "5"), digit], [digit]],
        "S": [[exactly("6"), range("0", "1")], [range("0", "5"), digit], [digit]],
        "U": [[exactly("5"), range("0", "3")], [range("0", "4"), digit], [digit]],
        "W": [[exactly("5"), range("0", "3")], [range("0", "4"), digit], [digit]],
        "w": [[range("0", "6")]],
        "u": [[range("1", "7")]],
        "V": [[exactly("5"), range("0", "3")], [exactly("0"), range("1", "9")], [range("1", "4"), digit], [digit]],
        "y": [[digit, digit]],
        "Y": [[digit, digit, digit, digit]],
    ]

    /// The length the first matching alternative takes at `position` of ASCII `bytes`.
    fileprivate static func firstAlternativeLength(_ alternatives: [Pattern], _ bytes: UnsafeBufferPointer<UInt8>, _ position: Int) -> Int? {
        alternatives: for pattern in alternatives where position + pattern.count <= bytes.count {
            for (offset, test) in pattern.enumerated() where !test(Unicode.Scalar(bytes[position + offset])) { continue alternatives }
            return pattern.count
        }
        return nil
    }

    private static func candidateLengths(_ directive: Character, _ input: [Unicode.Scalar], _ position: Int) -> [Int] {
        let remaining = input[position...]
        if let alternatives = numericAlternatives[directive] {
            return alternatives.compactMap { pattern in
                guard remaining.count >= pattern.count else { return nil }
                for (offset, test) in pattern.enumerated() where !test(input[position + offset]) { return nil }
                return pattern.count
            }
        }
        switch directive {
        case "f":
            var count = 0
            while count < 6, position + count < input.count, digit(input[position + count]) { count += 1 }
            return count == 0 ? [] : Array((1...count).reversed())
        case "z": return offsetLengths(input, position)
        case "A": return words(Strftime.weekdayNames, remaining)
        case "a": return words(Strftime.weekdayNames.map { String($0.prefix(3)) }, remaining)
        case "B": return words([""] + Strftime.monthNames, remaining)
        case "b": return words([""] + Strftime.monthNames.map { String($0.prefix(3)) }, remaining)
        case "p": return words(["am", "pm"], remaining)
        case "Z": return words(["utc", "gmt"], remaining)
        default: return []
        }
    }

    /// Longest names first, as `_strptime` sorts them; empty names are left out.
    private static func words(_ names: [String], _ remaining: ArraySlice<Unicode.Scalar>) -> [Int] {
        let text = String(String.UnicodeScalarView(remaining)).lowercased()
        return names.filter { !$0.isEmpty }.sorted { $0.count > $1.count }.compactMap { name in
            text.hasPrefix(name.lowercased()) ? name.unicodeScalars.count : nil
        }
    }

    /// `[+-]\d\d:?[0-5]\d(:?[0-5]\d(\.\d{1,6})?)?|Z`, greedy.
    private static func offsetLengths(_ input: [Unicode.Scalar], _ position: Int) -> [Int] {
        func at(_ index: Int) -> Unicode.Scalar? { index < input.count ? input[index] : nil }
        if at(position) == "Z" { return [1] }
        guard let sign = at(position), sign == "+" || sign == "-", let h1 = at(position + 1), let h2 = at(position + 2),
              digit(h1), digit(h2) else { return [] }
        var lengths: [Int] = []
        var index = position + 3
        if at(index) == ":" { index += 1 }
        guard let m1 = at(index), let m2 = at(index + 1), ("0"..."5").contains(m1), digit(m2) else { return [] }
        index += 2
        lengths.append(index - position)
        var secondsIndex = index
        if at(secondsIndex) == ":" { secondsIndex += 1 }
        if let s1 = at(secondsIndex), let s2 = at(secondsIndex + 1), ("0"..."5").contains(s1), digit(s2) {
            var end = secondsIndex + 2
            lengths.append(end - position)
            if at(end) == "." {
                var fraction = 0
                while fraction < 6, let next = at(end + 1 + fraction), digit(next) { fraction += 1 }
                if fraction > 0 {
                    end += 1 + fraction
                    lengths.append(end - position)
                }
            }
        }
        return lengths.reversed()
    }

    // MARK: - Building the datetime

    private static func build(from captures: [Character: String], string: String, format: String) throws(ParseError) -> PyDateTime {
        func value(_ key: Character) -> Int? { captures[key].flatMap { Int($0.trimmingLeadingSpaces()) } }
        var year = value("Y") ?? 1900
        if captures["Y"] == nil, let shortYear = value("y") { year = shortYear < 69 ? 2000 + shortYear : 1900 + shortYear }
        var month = value("m") ?? 1
        if let name = captures["B"] ?? captures["b"] {
            let lowered = name.lowercased()
            month = (Strftime.monthNames.firstIndex { $0.lowercased().hasPrefix(lowered) && (lowered.count == 3 || $0.lowercased() == lowered) } ?? 0) + 1
        }
        var day = value("d") ?? 1
        var hour = value("H") ?? 0
        if captures["H"] == nil, let twelveHour = value("I") {
            let isPM = captures["p"]?.lowercased() == "pm"
            hour = twelveHour % 12 + (isPM ? 12 : 0)
        }
        let minute = value("M") ?? 0
        let second = value("S") ?? 0
        var microsecond = 0
        if let fraction = captures["f"] {
            microsecond = Int(fraction + String(repeating: "0", count: 6 - fraction.count)) ?? 0
        }
        var offset: Int?
        if let zone = captures["z"] {
            offset = try parseOffset(zone)
        }
        if let julian = value("j"), captures["m"] == nil, captures["B"] == nil, captures["b"] == nil, captures["d"] == nil {
            let dayNumber = CivilCalendar.dayNumber(year: year, month: 1, day: 1) + julian - 1
            let civil = CivilCalendar.civil(fromDayNumber: dayNumber)
            year = civil.year
            month = civil.month
            day = civil.day
        }
        guard second <= 59 else {
            throw ParseError(message: "second must be in 0..59")
        }
        guard let datetime = PyDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                                        microsecond: microsecond, utcOffsetSeconds: offset)
        else {
            throw ParseError(message: "day is out of range for month")
        }
        return datetime
    }

    static func parseOffset(_ text: String) throws(ParseError) -> Int {
        if text == "Z" || text == "z" { return 0 }
        let digits = Array(text.unicodeScalars.filter { ("0"..."9").contains($0) }).map { Int($0.value - 48) }
        guard digits.count >= 4 else { throw ParseError(message: "Inconsistent use of : in \(text)") }
        var seconds = (digits[0] * 10 + digits[1]) * 3600 + (digits[2] * 10 + digits[3]) * 60
        if digits.count >= 6 { seconds += digits[4] * 10 + digits[5] }
        return text.hasPrefix("-") ? -seconds : seconds
    }

    static func pythonQuoted(_ text: String) -> String {
        text.contains("'") && !text.contains("\"") ? "\"\(text)\"" : "'\(text)'"
    }
}

extension String {
    fileprivate func trimmingLeadingSpaces() -> Substring {
        self.drop { $0 == " " }
    }
}
