/// Spreadsheet date serials and the number formats that make a number a date.
enum SpreadsheetDates {
    enum Kind { case date, dateTime, time }

    /// Built-in format ids that show dates or times (ECMA-376 18.8.30, plus the CJK date ids).
    static func builtInKind(_ id: Int) -> Kind? {
        switch id {
        case 14, 15, 16, 17, 27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 57, 58: return .date
        case 22: return .dateTime
        case 18, 19, 20, 21, 32, 33, 45, 46, 47, 55, 56: return .time
        default: return nil
        }
    }

    /// What a custom format code shows: date tokens (y, d), time tokens (h, s),
    /// outside quoted text, escaped characters and bracketed sections (colours, conditions, locales).
    static func customKind(_ code: String) -> Kind? {
        // Only the first section (positive numbers) decides; "General" shows numbers as they are.
        if code.lowercased() == "general" { return nil }
        var hasDate = false
        var hasTime = false
        var inQuote = false
        var inBracket = false
        var escaped = false
        var elapsed = false
        for character in code.lowercased() {
            if escaped { escaped = false; continue }
            if inQuote { if character == "\"" { inQuote = false }; continue }
            if inBracket {
                if character == "]" { inBracket = false }
                else if character == "h" || character == "s" { elapsed = true }
                continue
            }
            switch character {
            case "\"": inQuote = true
            case "\\", "_", "*": escaped = true
            case "[": inBracket = true
            case ";": return kind(date: hasDate, time: hasTime || elapsed)
            case "y", "d": hasDate = true
            case "h", "s": hasTime = true
            case "0", "#", "?": if !hasDate && !hasTime { return nil }
            default: break
            }
        }
        return kind(date: hasDate, time: hasTime || elapsed)
    }

    private static func kind(date: Bool, time: Bool) -> Kind? {
        if date { return time ? .dateTime : .date }
        return time ? .time : nil
    }

    /// A serial shown with a date or time format, as a cell: a date (a whole day under a date
    /// format), a timestamp, or a time of day as text; nil for a serial no calendar holds.
    static func cell(serial: Double, kind: Kind, date1904: Bool) -> FileCell? {
        guard let micros = microseconds(serial: serial, date1904: date1904) else { return nil }
        switch kind {
        case .date where micros % 86_400_000_000 == 0: return .date(Int32(micros / 86_400_000_000))
        case .date, .dateTime: return .timestamp(micros, zoned: false)
        case .time:
            let text = CivilDate.isoText(microseconds: micros, zoned: false)
            return .string(serial < 1 ? String(text.split(separator: "T").last ?? "") : text)
        }
    }

    /// A serial in the workbook's date system as microseconds since 1970-01-01, rounded to the
    /// millisecond (the precision spreadsheets keep); nil for 1900's fictitious February 29 (serial
    /// 60) and for serials outside years 1–9999.
    static func microseconds(serial: Double, date1904: Bool) -> Int64? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        var days = serial.rounded(.down)
        let fraction = serial - days
        if date1904 {
            days += 1462
        } else {
            if days == 60 { return nil }
            // Serials before the fictitious February 29 are one day ahead of the real calendar.
            if days < 60 { days += 1 }
        }
        let epochOffset = 25_569.0  // serial (1900 system) of 1970-01-01
        let milliseconds = (fraction * 86_400_000).rounded()
        return Int64(days - epochOffset) * 86_400_000_000 + Int64(milliseconds) * 1000
    }
}
