public import InletJSON

/// How one column lands: the name it gets, its type, and how its text reads. It turns each of the
/// column's cells into the record value the pipeline writes, or says the cell does not fit.
public struct ColumnPlan: Sendable, Equatable {
    /// The column's name in the file.
    public var sourceName: String
    /// Its name in the table.
    public var name: String
    public var type: ColumnType
    public var dateFormat: DateFormat?
    public var thousandsSeparator: Bool

    public init(sourceName: String, name: String, type: ColumnType, dateFormat: DateFormat? = nil, thousandsSeparator: Bool = false) {
        self.sourceName = sourceName
        self.name = name
        self.type = type
        self.dateFormat = dateFormat
        self.thousandsSeparator = thousandsSeparator
    }

    public init(_ inferred: InferredColumn) {
        self.init(sourceName: inferred.name, name: inferred.name, type: inferred.type, dateFormat: inferred.dateFormat,
                  thousandsSeparator: inferred.thousandsSeparator)
    }

    /// The cell as a record value (`.null` for a null), or nil when it does not fit the type. Nothing
    /// is rounded or cut: `1.5` is not an INTEGER, `1.25` not a DECIMAL(5,1), `3000000000` not an INTEGER.
    public func value(of cell: FileCell, nullValues: Set<String>) -> JSONValue? {
        switch cell {
        case .null: return .null
        case .text(let text):
            if text.isEmpty || (!nullValues.isEmpty && nullValues.contains(text)) { return .null }
            return value(ofText: text)
        case .string(let text):
            if type == .string || type == .json { return .string(text) }
            return value(ofText: text)
        case .bool(let flag):
            switch type {
            case .boolean: return .bool(flag)
            case .string: return .string(flag ? "true" : "false")
            default: return nil
            }
        case .int(let number): return value(ofInteger: number)
        case .double(let number): return value(ofDouble: number)
        case .decimal(let text): return value(ofText: text)
        case .date(let days):
            switch type {
            case .date: return .string(CivilDate.isoText(days: Int64(days)))
            case .timestamp: return .string(CivilDate.isoText(microseconds: Int64(days) * 86_400_000_000, zoned: false))
            case .string: return .string(CivilDate.isoText(days: Int64(days)))
            default: return nil
            }
        case .timestamp(let micros, let zoned):
            switch type {
            case .timestamp where !zoned, .timestamptz where zoned: return .string(CivilDate.isoText(microseconds: micros, zoned: zoned))
            case .string: return .string(CivilDate.isoText(microseconds: micros, zoned: zoned))
            case .date where micros % 86_400_000_000 == 0: return .string(CivilDate.isoText(days: micros / 86_400_000_000))
            default: return nil
            }
        case .json(let json):
            switch type {
            case .json, .string: return .string(JSONWriter.string(from: json))
            default: return nil
            }
        }
    }

    private func value(ofInteger number: Int64) -> JSONValue? {
        switch type {
        case .integer: return Int32(exactly: number) != nil ? .int(number) : nil
        case .bigint: return .int(number)
        case .double: return Double(exactly: number).map { .double($0) }
        case .decimal: return value(ofText: String(number))
        case .string: return .string(String(number))
        default: return nil
        }
    }

    private func value(ofDouble number: Double) -> JSONValue? {
        switch type {
        case .double: return .double(number)
        case .integer, .bigint:
            guard number.isFinite, number == number.rounded(), let integer = Int64(exactly: number) else { return nil }
            return value(ofInteger: integer)
        case .decimal:
            guard number.isFinite else { return nil }
            // The shortest text that reads back as the same double: 0.1, not 0.1000000000000000055.
            return value(ofText: number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : plainText(number))
        case .string: return .string(FileCell.shortest(number))
        default: return nil
        }
    }

    /// A double's shortest text without an exponent, for decimals.
    private func plainText(_ number: Double) -> String {
        let text = "\(number)"
        guard let exponentIndex = text.firstIndex(where: { $0 == "e" || $0 == "E" }), let exponent = Int(text[text.index(after: exponentIndex)...]) else { return text }
        var mantissa = String(text[..<exponentIndex])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        var digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
        var point = parts[0].count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: 1 - point) + digits
            point = 1
        } else if point > digits.count {
            digits += String(repeating: "0", count: point - digits.count)
        }
        let integer = digits.prefix(point)
        let fraction = digits.dropFirst(point)
        return (negative ? "-" : "") + integer + (fraction.isEmpty ? "" : "." + fraction)
    }

    func value(ofText text: String) -> JSONValue? {
        text.withUTF8Bytes { bytes -> JSONValue? in
            switch type {
            case .string, .json: return .string(text)
            case .boolean: return TextValues.boolean(bytes).map { .bool($0) }
            case .integer:
                guard let number = TextValues.integer(bytes, thousands: thousandsSeparator), Int32(exactly: number) != nil else { return nil }
                return .int(number)
            case .bigint: return TextValues.integer(bytes, thousands: thousandsSeparator).map { .int($0) }
            case .decimal(let precision, let scale):
                // The common case: the text is already canonical at the column's scale, and is kept.
                if !thousandsSeparator, TextValues.isCanonicalDecimal(bytes, precision: precision, scale: scale) { return .bigNumber(text) }
                return TextValues.decimal(bytes, thousands: thousandsSeparator)?.text(precision: precision, scale: scale).map { .bigNumber($0) }
            case .double: return TextValues.double(bytes, thousands: thousandsSeparator).map { .double($0) }
            case .date:
                for format in dateFormat.map({ [$0] }) ?? [.iso] {
                    if let days = TextValues.date(bytes, format: format) { return .string(CivilDate.isoText(days: Int64(days))) }
                }
                return nil
            case .timestamp, .timestamptz:
                let format = dateFormat ?? .iso
                if let parsed = TextValues.timestamp(bytes, format: format) {
                    // A zone only where the column has them: a plain timestamp in a TIMESTAMPTZ column
                    // would be read as UTC silently, and a zoned one in a TIMESTAMP column lose its offset.
                    guard parsed.zoned == (type == .timestamptz) else { return nil }
                    return .string(CivilDate.isoText(microseconds: parsed.microseconds, zoned: parsed.zoned))
                }
                return nil
            }
        }
    }
}
