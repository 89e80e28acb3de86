import InletIceberg
import InletJSON
import InletParquet

/// Turns records into rows of a table's schema. A value that does not fit its column becomes null,
/// and the change is counted and named (as Airbyte's `meta.changes` names them), never a failed sync.
struct RowConverter: Sendable {
    let fields: [IcebergField]

    /// One row, in schema order; `nulled` counts the values that did not fit.
    func row(_ record: JSONObject, nulled: inout Int) -> [ParquetValue?] {
        fields.indices.map { position in
            let field = fields[position]
            return record.value(forKey: field.name, expectedAt: position).flatMap { value($0, as: field.type, nulled: &nulled) }
        }
    }

    /// A value of `type`, or nil for null and for a value that does not fit (counted in `nulled`).
    func value(_ json: JSONValue, as type: IcebergType, nulled: inout Int) -> ParquetValue? {
        if case .null = json { return nil }
        if let converted = convert(json, to: type, nulled: &nulled) { return converted }
        nulled += 1
        return nil
    }

    private func convert(_ json: JSONValue, to type: IcebergType, nulled: inout Int) -> ParquetValue? {
        switch type {
        case .boolean:
            if case .bool(let flag) = json { return .boolean(flag) }
            return nil
        case .long:
            return Self.integer(json).map { .int64($0) }
        case .int:
            return Self.integer(json).flatMap { Int32(exactly: $0) }.map { .int32($0) }
        case .double:
            return Self.number(json).map { .double($0) }
        case .float:
            return Self.number(json).map { .float(Float($0)) }
        case .string:
            if case .string(let text) = json { return .string(text) }
            if case .bigNumber(let digits) = json { return .string(digits) }
            return .string(JSONWriter.string(from: json))
        case .timestamp, .timestamptz:
            guard case .string(let text) = json, let micros = TimestampText.microseconds(text) else { return nil }
            return .int64(micros)
        case .date:
            guard case .string(let text) = json, let days = TimestampText.days(text) else { return nil }
            return .int32(days)
        case .binary:
            guard case .string(let text) = json else { return nil }
            return .bytes(Array(text.utf8))
        case .structure(let children):
            guard case .object(let object) = json else { return nil }
            return .structure(children.map { child in object[child.name].flatMap { value($0, as: child.type, nulled: &nulled) } })
        case .list(_, let element, _):
            guard case .array(let items) = json else { return nil }
            return .list(items.map { value($0, as: element, nulled: &nulled) })
        case .decimal(let precision, let scale):
            return Self.decimal(json, precision: Int(precision), scale: Int(scale))
        case .time, .uuid, .fixed, .map:
            return nil
        }
    }

    /// Integers, integral doubles and integer strings (APIs send ids both ways).
    static func integer(_ json: JSONValue) -> Int64? {
        switch json {
        case .int(let number): return number
        case .double(let number): return number.rounded() == number ? Int64(exactly: number) : nil
        case .string(let text): return Int64(text)
        case .bigNumber(let digits): return Int64(digits)
        default: return nil
        }
    }

    /// An exact decimal as the table stores it (INT32 up to 9 digits, INT64 up to 18, else
    /// big-endian bytes); nil when the value has more digits than the column, or is not a plain
    /// decimal (a double would round).
    static func decimal(_ json: JSONValue, precision: Int, scale: Int) -> ParquetValue? {
        let text: String
        switch json {
        case .bigNumber(let literal), .string(let literal): text = literal
        case .int(let number): text = String(number)
        default: return nil
        }
        var negative = false
        var integerDigits: [UInt8] = []
        var fractionDigits: [UInt8] = []
        var seenPoint = false
        for (index, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "-") where index == 0: negative = true
            case UInt8(ascii: "+") where index == 0: break
            case UInt8(ascii: ".") where !seenPoint: seenPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if seenPoint { fractionDigits.append(byte - 48) } else { integerDigits.append(byte - 48) }
            default: return nil
            }
        }
        while fractionDigits.count > scale, fractionDigits.last == 0 { fractionDigits.removeLast() }
        guard fractionDigits.count <= scale else { return nil }
        fractionDigits += Array(repeating: 0, count: scale - fractionDigits.count)
        let digits = Array((integerDigits + fractionDigits).drop { $0 == 0 })
        guard digits.count <= precision else { return nil }
        var unscaled: Int128 = 0
        for digit in digits { unscaled = unscaled * 10 + Int128(digit) }
        if negative { unscaled = -unscaled }
        if precision <= 9 { return .int32(Int32(unscaled)) }
        if precision <= 18 { return .int64(Int64(unscaled)) }
        let length = Int(IcebergTable.decimalBytes(precision: Int32(precision)))
        return .bytes((0..<length).reversed().map { UInt8(truncatingIfNeeded: unscaled >> (8 * $0)) })
    }

    static func number(_ json: JSONValue) -> Double? {
        switch json {
        case .int(let number): return Double(number)
        case .double(let number): return number
        case .bigNumber(let digits), .string(let digits): return Double(digits)
        default: return nil
        }
    }
}
