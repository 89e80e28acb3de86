/// What a column's sample says about its type. Text walks the lattice null → BOOLEAN → INTEGER →
/// BIGINT → DECIMAL(p,s) → DOUBLE → DATE → TIMESTAMP/TIMESTAMPTZ → STRING, keeping only what every
/// value fits; typed cells keep their own types.
struct ColumnInference: Sendable {
    private(set) var nonNull = 0
    private(set) var samples: [String] = []

    private var textValues = 0
    private var allBoolean = true
    private var allInteger = true
    private var fitsInt32 = true
    private var allDecimal = true
    private var integerDigits = 0
    private var scale = 0
    private var allDouble = true
    private var leadingZeros = 0
    /// Numbers that only read with thousands separators, and whether every number reads with them.
    private var groupedNumbers = 0
    private var allGroupedDecimal = true
    private var allGroupedInteger = true
    private var groupedIntegerDigits = 0
    private var groupedScale = 0
    /// Bit i: every date so far reads in `DateFormat.candidates[i]`.
    private var dateFormats: UInt16 = (1 << UInt16(DateFormat.candidates.count)) - 1
    private var timestampFormats: UInt16 = (1 << UInt16(DateFormat.candidates.count)) - 1
    private var zonedTimestamps = 0
    private var plainTimestamps = 0

    private enum TypedKind: Hashable { case bool, int, double, decimal, date, timestamp, zonedTimestamp, string, json }
    /// Typed strings (json's) that all read as ISO dates, or as ISO timestamps with or without zones.
    private var stringsAreDates = true
    private var stringsAreTimestamps = true
    private var zonedStrings = 0
    private var plainStrings = 0
    private var typedKinds: Set<TypedKind> = []
    private var typedDecimalDigits = 0
    private var typedDecimalScale = 0

    static let sampleValueCount = 5

    /// `temporalStrings`: typed strings that read as ISO dates or timestamps may type their column
    /// (json's strings, which have no date type of their own; not a spreadsheet's text cells).
    mutating func observe(_ cell: FileCell, nullValues: Set<String>, temporalStrings: Bool = false) {
        switch cell {
        case .null: return
        case .text(let text):
            if text.isEmpty || (!nullValues.isEmpty && nullValues.contains(text)) { return }
            observeText(text)
        case .string(let text):
            typedKinds.insert(.string)
            if temporalStrings, stringsAreDates || stringsAreTimestamps { observeTemporal(text) }
            if !temporalStrings { stringsAreDates = false; stringsAreTimestamps = false }
        case .bool: typedKinds.insert(.bool)
        case .int: typedKinds.insert(.int)
        case .double: typedKinds.insert(.double)
        case .decimal(let text):
            typedKinds.insert(.decimal)
            if let literal = text.withUTF8Bytes({ TextValues.decimal($0) }) {
                typedDecimalDigits = max(typedDecimalDigits, literal.integerDigits.count)
                typedDecimalScale = max(typedDecimalScale, literal.fractionDigits.count)
            }
        case .date: typedKinds.insert(.date)
        case .timestamp(_, let zoned): typedKinds.insert(zoned ? .zonedTimestamp : .timestamp)
        case .json: typedKinds.insert(.json)
        }
        nonNull += 1
        if samples.count < Self.sampleValueCount, let text = cell.text, !samples.contains(text) { samples.append(text) }
    }

    private mutating func observeTemporal(_ text: String) {
        text.withUTF8Bytes { bytes in
            if stringsAreDates, TextValues.date(bytes, format: .iso) == nil { stringsAreDates = false }
            if stringsAreTimestamps {
                if let parsed = TextValues.timestamp(bytes, format: .iso) {
                    if parsed.zoned { zonedStrings += 1 } else { plainStrings += 1 }
                } else {
                    stringsAreTimestamps = false
                }
            }
        }
    }

    private mutating func observeText(_ text: String) {
        textValues += 1
        text.withUTF8Bytes { bytes in
            if allBoolean, TextValues.boolean(bytes) == nil { allBoolean = false }
            if allInteger {
                if let number = TextValues.integer(bytes) {
                    if Int32(exactly: number) == nil { fitsInt32 = false }
                } else {
                    allInteger = false
                }
            }
            var numeric = false
            if allDecimal || allDouble {
                if let literal = TextValues.decimal(bytes) {
                    numeric = true
                    integerDigits = max(integerDigits, literal.integerDigits.count)
                    scale = max(scale, literal.fractionDigits.count)
                } else {
                    allDecimal = false
                }
            }
            if allDouble, !numeric {
                if TextValues.double(bytes) != nil { numeric = true } else { allDouble = false }
            }
            if !numeric, Self.hasLeadingZero(bytes) { leadingZeros += 1 }
            if allGroupedDecimal {
                if let literal = TextValues.decimal(bytes, thousands: true) {
                    if bytes.contains(UInt8(ascii: ",")) { groupedNumbers += 1 }
                    groupedIntegerDigits = max(groupedIntegerDigits, literal.integerDigits.count)
                    groupedScale = max(groupedScale, literal.fractionDigits.count)
                    if !literal.fractionDigits.isEmpty { allGroupedInteger = false }
                } else {
                    allGroupedDecimal = false
                }
            }
            if dateFormats != 0 || timestampFormats != 0 {
                var dates: UInt16 = 0
                var timestamps: UInt16 = 0
                for (index, format) in DateFormat.candidates.enumerated() where (dateFormats | timestampFormats) & (1 << UInt16(index)) != 0 {
                    if dateFormats & (1 << UInt16(index)) != 0, TextValues.date(bytes, format: format) != nil { dates |= 1 << UInt16(index) }
                    if timestampFormats & (1 << UInt16(index)) != 0, let parsed = TextValues.timestamp(bytes, format: format) {
                        timestamps |= 1 << UInt16(index)
                        if parsed.zoned { zonedTimestamps += 1 } else { plainTimestamps += 1 }
                    }
                }
                dateFormats &= dates
                timestampFormats &= timestamps
            }
        }
    }

    /// `007`, `02116`, `-01`: digits with a leading zero, which numbers never have.
    private static func hasLeadingZero(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = 0
        if bytes.count > 0, bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") { start = 1 }
        guard bytes.count - start > 1, bytes[start] == UInt8(ascii: "0"), TextValues.isDigit(bytes[start + 1]) else { return false }
        return bytes[start...].allSatisfy { TextValues.isDigit($0) || $0 == UInt8(ascii: ".") }
    }

    /// The column's type and how its text reads, with what the user should know about the choice.
    func result(name: String) -> InferredColumn {
        var column = InferredColumn(name: name, type: .string, nullable: true, sampleValues: samples)
        guard nonNull > 0 else {
            column.warnings.append("no values in the sample: typed STRING")
            return column
        }
        if textValues > 0, !typedKinds.isEmpty {
            column.warnings.append("mixes text with typed values: typed STRING")
            return column
        }
        if textValues == 0, typedKinds == [.string], stringsAreDates || stringsAreTimestamps {
            column.dateFormat = .iso
            if stringsAreDates {
                column.type = .date
            } else if zonedStrings > 0, plainStrings > 0 {
                column.dateFormat = nil
                column.warnings.append("mixes timestamps with and without a zone: typed STRING")
            } else {
                column.type = zonedStrings > 0 ? .timestamptz : .timestamp
            }
            return column
        }
        if textValues == 0 {
            column.type = typedType()
            if column.type == .string, typedKinds.count > 1 { column.warnings.append("mixes value types: typed STRING") }
            return column
        }
        if allBoolean { column.type = .boolean; return column }
        if allInteger { column.type = fitsInt32 ? .integer : .bigint; return column }
        if allDecimal, integerDigits + scale <= ColumnType.maximumDecimalPrecision {
            column.type = Self.decimal(integerDigits: integerDigits, scale: scale)
            return column
        }
        if allDouble { column.type = .double; return column }
        if allGroupedDecimal, groupedNumbers > 0, groupedIntegerDigits + groupedScale <= ColumnType.maximumDecimalPrecision {
            column.thousandsSeparator = true
            if allGroupedInteger {
                column.type = groupedIntegerDigits <= 9 ? .integer : (groupedIntegerDigits <= 18 ? .bigint : Self.decimal(integerDigits: groupedIntegerDigits, scale: 0))
            } else {
                column.type = Self.decimal(integerDigits: groupedIntegerDigits, scale: groupedScale)
            }
            column.warnings.append("numbers written with thousands separators (,): read without them")
            return column
        }
        if let format = chosenFormat(dateFormats, kind: "dates", into: &column) {
            column.type = .date
            column.dateFormat = format
            return column
        }
        if column.type == .string, column.warnings.isEmpty, let format = chosenFormat(timestampFormats, kind: "timestamps", into: &column) {
            if zonedTimestamps > 0, plainTimestamps > 0 {
                column.warnings.append("mixes timestamps with and without a zone: typed STRING")
                return column
            }
            column.type = zonedTimestamps > 0 ? .timestamptz : .timestamp
            column.dateFormat = format
            return column
        }
        if leadingZeros > 0 {
            column.warnings.append("\(leadingZeros) value\(leadingZeros == 1 ? "" : "s") with leading zeros (as 02116): kept as STRING")
        }
        return column
    }

    /// The format every value reads in; an order no value settles (01/02/2024: day or month first?)
    /// is not guessed: the column stays STRING, with a warning naming both readings.
    private func chosenFormat(_ mask: UInt16, kind: String, into column: inout InferredColumn) -> DateFormat? {
        let fitting = DateFormat.candidates.enumerated().filter { mask & (1 << UInt16($0.offset)) != 0 }.map(\.element)
        guard !fitting.isEmpty else { return nil }
        if let yearFirst = fitting.first(where: { $0.order == .yearMonthDay }) { return yearFirst }
        if fitting.count > 1 {
            column.warnings.append("ambiguous \(kind): every value reads as \(fitting.map(\.description).joined(separator: " or "))"
                                   + "; typed STRING (choose one with a type, e.g. DATE(\(fitting[0])))")
            return nil
        }
        return fitting[0]
    }

    private static func decimal(integerDigits: Int, scale: Int) -> ColumnType {
        // Room for wider integer parts than the sample's, as far as precision 38 allows.
        let precision = min(ColumnType.maximumDecimalPrecision, max(18, integerDigits + scale))
        return .decimal(precision: precision, scale: scale)
    }

    private func typedType() -> ColumnType {
        let kinds = typedKinds
        if kinds == [.bool] { return .boolean }
        if kinds == [.int] { return .bigint }
        if kinds.isSubset(of: [.int, .double]) { return .double }
        if kinds.isSubset(of: [.int, .decimal]) {
            return .decimal(precision: min(ColumnType.maximumDecimalPrecision, max(18, typedDecimalDigits + typedDecimalScale)), scale: typedDecimalScale)
        }
        if kinds == [.date] { return .date }
        if kinds.isSubset(of: [.date, .timestamp]) { return .timestamp }
        if kinds == [.zonedTimestamp] { return .timestamptz }
        if kinds == [.json] { return .json }
        return .string
    }
}

/// A column as the preview shows it.
public struct InferredColumn: Sendable, Equatable {
    public var name: String
    public var type: ColumnType
    public var nullable: Bool
    public var sampleValues: [String]
    /// How the column's dates and timestamps are written, when it holds them as text.
    public var dateFormat: DateFormat?
    /// Numbers group their digits with commas, which are dropped when read.
    public var thousandsSeparator = false
    public var warnings: [String] = []

    public init(name: String, type: ColumnType, nullable: Bool = true, sampleValues: [String] = [], dateFormat: DateFormat? = nil) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.sampleValues = sampleValues
        self.dateFormat = dateFormat
    }
}
