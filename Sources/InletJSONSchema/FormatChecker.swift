/// The `format`s connector specs use, checked as Python's `jsonschema` format checker does.
/// Formats it does not know pass, as the JSON Schema specification asks.
enum FormatChecker {
    static func conforms(_ string: String, to format: String) -> Bool {
        switch format {
        case "date": return isDate(Array(string.utf8))
        case "date-time": return isDateTime(Array(string.utf8))
        case "time": return isTime(Array(string.utf8)[...])
        case "email": return string.contains("@")
        default: return true
        }
    }

    /// `YYYY-MM-DD` with a real calendar day.
    static func isDate(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(bytes[0..<4]), let month = number(bytes[5..<7]), let day = number(bytes[8..<10])
        else { return false }
        return (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year) && year >= 1
    }

    /// RFC 3339: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`, `T` and `Z` in either case.
    static func isDateTime(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 20, isDate(Array(bytes[0..<10])), bytes[10] | 0x20 == UInt8(ascii: "t") else { return false }
        return isTime(bytes[11...])
    }

    /// `hh:mm:ss[.fraction](Z|±hh:mm)`.
    static func isTime(_ bytes: ArraySlice<UInt8>) -> Bool {
        let bytes = Array(bytes)
        guard bytes.count >= 9, bytes[2] == UInt8(ascii: ":"), bytes[5] == UInt8(ascii: ":"),
            let hour = number(bytes[0..<2]), let minute = number(bytes[3..<5]), let second = number(bytes[6..<8]),
            hour <= 23, minute <= 59, second <= 60
        else { return false }
        var index = 8
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            guard index > fractionStart else { return false }
        }
        guard index < bytes.count else { return false }
        let zone = Array(bytes[index...])
        if zone.count == 1 { return zone[0] | 0x20 == UInt8(ascii: "z") }
        guard zone.count == 6, zone[0] == UInt8(ascii: "+") || zone[0] == UInt8(ascii: "-"), zone[3] == UInt8(ascii: ":"),
            let zoneHour = number(zone[1..<3]), let zoneMinute = number(zone[4..<6])
        else { return false }
        return zoneHour <= 23 && zoneMinute <= 59
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard byte &- UInt8(ascii: "0") < 10 else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
