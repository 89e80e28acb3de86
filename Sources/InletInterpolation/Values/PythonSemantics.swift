import InletJSON

/// Python's comparison and arithmetic on template values.
enum PythonSemantics {
    // MARK: - Equality and ordering

    static func equal(_ lhs: JinjaValue, _ rhs: JinjaValue) -> Bool {
        switch (lhs, rhs) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.int(let a), .int(let b)): return a == b
        case (.bigInteger(let a), .bigInteger(let b)): return a == b
        case (.datetime(let a), .datetime(let b)): return a == b
        case (.date(let a), .date(let b)): return a == b
        case (.timedelta(let a), .timedelta(let b)): return a == b
        case (.namespace(let a), .namespace(let b)): return a === b
        default: break
        }
        if lhs.isNumber && rhs.isNumber {
            if let a = lhs.integerValue, let b = rhs.integerValue { return a == b }
            return lhs.numericValue == rhs.numericValue
        }
        if let left = sequenceElements(lhs), let right = sequenceElements(rhs), isTuple(lhs) == isTuple(rhs) {
            return left.count == right.count && zip(left, right).allSatisfy { equal($0, $1) }
        }
        if let left = mappingPairs(lhs), let right = mappingPairs(rhs) {
            guard left.count == right.count else { return false }
            let rightDict = JinjaDict(right)
            return left.allSatisfy { pair in rightDict[pair.0].map { equal($0, pair.1) } ?? false }
        }
        return false
    }

    /// `lhs < rhs`, or a `TypeError` when Python cannot order the two.
    static func lessThan(_ lhs: JinjaValue, _ rhs: JinjaValue, operator symbol: String = "<") throws(InterpolationError) -> Bool {
        if case .undefined(let hint) = lhs { throw .undefined(hint) }
        if case .undefined(let hint) = rhs { throw .undefined(hint) }
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)):
            return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
        case (.datetime(let a), .datetime(let b)):
            guard a.isAware == b.isAware else { throw .type("can't compare offset-naive and offset-aware datetimes") }
            return a.utcMicroseconds < b.utcMicroseconds
        case (.date(let a), .date(let b)): return a.dayNumber < b.dayNumber
        case (.timedelta(let a), .timedelta(let b)): return a.microseconds < b.microseconds
        default: break
        }
        if lhs.isNumber && rhs.isNumber {
            if let a = lhs.integerValue, let b = rhs.integerValue { return a < b }
            if let a = lhs.numericValue, let b = rhs.numericValue { return a < b }
        }
        if let left = sequenceElements(lhs), let right = sequenceElements(rhs), isTuple(lhs) == isTuple(rhs),
           !(lhs.stringValue != nil) {
            for (a, b) in zip(left, right) where !equal(a, b) {
                return try lessThan(a, b, operator: symbol)
            }
            return left.count < right.count
        }
        throw .type("'\(symbol)' not supported between instances of '\(lhs.pythonTypeName)' and '\(rhs.pythonTypeName)'")
    }

    static func compare(_ lhs: JinjaValue, _ symbol: String, _ rhs: JinjaValue) throws(InterpolationError) -> Bool {
        switch symbol {
        case "==": return equal(lhs, rhs)
        case "!=": return !equal(lhs, rhs)
        case "<": return try lessThan(lhs, rhs, operator: "<")
        case ">": return try lessThan(rhs, lhs, operator: ">")
        case "<=": return try !lessThan(rhs, lhs, operator: "<=")
        case ">=": return try !lessThan(lhs, rhs, operator: ">=")
        case "in": return try contains(rhs, lhs)
        case "not in": return try !contains(rhs, lhs)
        default: throw .type("unknown comparison \(symbol)")
        }
    }

    /// Python's `element in container`.
    static func contains(_ container: JinjaValue, _ element: JinjaValue) throws(InterpolationError) -> Bool {
        switch container {
        case .string(let string):
            guard case .string(let needle) = element else {
                throw .type("'in <string>' requires string as left operand, not \(element.pythonTypeName)")
            }
            return needle.isEmpty || string.contains(needle)
        case .jsonObject(let object):
            guard case .string(let key) = element else { return false }
            return object.contains(key: key)
        case .object(let object):
            guard case .string(let key) = element else { return false }
            return object.mapping.contains(key: key)
        case .dict(let dict): return dict.index(of: element) != nil
        // Jinja's Undefined iterates as empty, so nothing is in it.
        case .undefined: return false
        default:
            guard let elements = sequenceElements(container) else {
                throw .type("argument of type '\(container.pythonTypeName)' is not iterable")
            }
            return elements.contains { equal($0, element) }
        }
    }

    static func sequenceElements(_ value: JinjaValue) -> [JinjaValue]? {
        switch value {
        case .list(let elements), .tuple(let elements): return elements
        case .jsonArray(let elements): return elements.map(JinjaValue.init)
        default: return nil
        }
    }

    private static func isTuple(_ value: JinjaValue) -> Bool {
        if case .tuple = value { return true }
        return false
    }

    static func mappingPairs(_ value: JinjaValue) -> [(JinjaValue, JinjaValue)]? {
        switch value {
        case .dict(let dict): return dict.pairs
        case .jsonObject(let object): return object.map { (.string($0.key), JinjaValue($0.value)) }
        case .object(let object): return object.mapping.map { (.string($0.key), JinjaValue($0.value)) }
        default: return nil
        }
    }

    // MARK: - Arithmetic

    static func unsupported(_ symbol: String, _ lhs: JinjaValue, _ rhs: JinjaValue) -> InterpolationError {
        .type("unsupported operand type(s) for \(symbol): '\(lhs.pythonTypeName)' and '\(rhs.pythonTypeName)'")
    }

    static func checkDefined(_ values: JinjaValue...) throws(InterpolationError) {
        for value in values {
            if case .undefined(let hint) = value { throw .undefined(hint) }
        }
    }

    static func add(_ lhs: JinjaValue, _ rhs: JinjaValue) throws(InterpolationError) -> JinjaValue {
        try checkDefined(lhs, rhs)
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return .string(a + b)
        case (.tuple(let a), .tuple(let b)): return .tuple(a + b)
        case (.datetime(let a), .timedelta(let b)), (.timedelta(let b), .datetime(let a)):
            guard let result = a.adding(b) else { throw InterpolationError(.overflow, "date value out of range") }
            return .datetime(result)
        case (.date(let a), .timedelta(let b)), (.timedelta(let b), .date(let a)):
            guard let result = a.midnight.adding(PyTimedelta(microseconds: b.days * PyTimedelta.microsecondsPerDay, months: b.months, years: b.years))
            else { throw InterpolationError(.overflow, "date value out of range") }
            return .date(result.date)
        case (.timedelta(let a), .timedelta(let b)): return .timedelta(a + b)
        default: break
        }
        if let left = sequenceElements(lhs), let right = sequenceElements(rhs), !isTuple(lhs), !isTuple(rhs) {
            return .list(left + right)
        }
        return try numeric(lhs, rhs, "+", integer: { $0.addingReportingOverflow($1) }, double: +)
    }

    static func subtract(_ lhs: JinjaValue, _ rhs: JinjaValue) throws(InterpolationError) -> JinjaValue {
        try checkDefined(lhs, rhs)
        switch (lhs, rhs) {
        case (.datetime(let a), .timedelta(let b)):
            guard let result = a.adding(-b) else { throw InterpolationError(.overflow, "date value out of range") }
            return .datetime(result)
        case (.datetime(let a), .datetime(let b)):
            guard a.isAware == b.isAware else { throw .type("can't subtract offset-naive and offset-aware datetimes") }
            return .timedelta(PyTimedelta(microseconds: a.utcMicroseconds - b.utcMicroseconds))
        case (.date(let a), .date(let b)):
            return .timedelta(PyTimedelta(microseconds: Int64(a.dayNumber - b.dayNumber) * PyTimedelta.microsecondsPerDay))
        case (.date, .timedelta(let b)): return try add(lhs, .timedelta(-b))
        case (.timedelta(let a), .timedelta(let b)): return .timedelta(a + -b)
        default: break
        }
        return try numeric(lhs, rhs, "-", integer: { $0.subtractingReportingOverflow($1) }, double: -)
    }

    static func multiply(_ lhs: JinjaValue, _ rhs: JinjaValue) throws(InterpolationError) -> JinjaValue {
        try checkDefined(lhs, rhs)
        switch (lhs, rhs) {
        case (.string(let text), let count), (let count, .string(let text)):
            guard let times = count.integerValue else { throw .type("can't multiply sequence by non-int of type '\(count.pythonTypeName)'") }
            return .string(String(repeating: text, count: max(0, Int(times))))
        case (.timedelta(let delta), let factor), (let factor, .timedelta(let delta)):
            guard let scale = factor.numericValue, !delta.hasCalendarPart else { throw unsupported("*", lhs, rhs) }
            return .timedelta(PyTimedelta(microseconds: Int64((Double(delta.microseconds) * scale).rounded())))
        default: break
        }
        if let elements = sequenceElements(lhs), let times = rhs.integerValue {
            let repeated = Array((0..<max(0, Int(times))).map { _ in elements }.joined())
            return isTuple(lhs) ? .tuple(repeated) : .list(repeated)
        }
        return try numeric(lhs, rhs, "*", integer: { $0.multipliedReportingOverflow(by: $1) }, double: *)
    }

    static func trueDivide(_ lhs: JinjaValue, _ rhs: JinjaValue) throws(InterpolationError) -> JinjaValue {
        try checkDefined(lhs, rhs)
        if case .timedelta(let a) = lhs {
            if case .timedelta(let b) = rhs {
                guard b.microseconds != 0 else { throw InterpolationError(.zeroDivision, "division by zero") }
                return .double(Double(a.microseconds) / Double(b.microseconds))
            }
            if let divisor = rhs.numericValue {
                guard divisor != 0 else { throw InterpolationError(.zeroDivision, "division by zero") }
                return .timedelta(PyTimedelta(microseconds: Int64((Double(a.microseconds) / divisor).rounded())))
            }
        }
        guard lhs.isNumber, rhs.isNumber, let a = lhs.numericValue, let b = rhs.numericValue else { throw unsupported("/", lhs, rhs) }
        guard b != 0 else { throw InterpolationError(.zeroDivision, "division by zero") }
        return .double(a / b)
    }

    static func floorDivide(_ lhs: JinjaValue, _ rhs: JinjaValue) throws(InterpolationError) -> JinjaValue {
        try checkDefined(lhs, rhs)
        guard lhs.isNumber, rhs.isNumber else { throw unsupported("//", lhs, rhs) }
        if let a = lhs.integerValue, let b = rhs.integerValue {
            guard b != 0 else { throw InterpolationError(.zeroDivision, "integer division or modulo by zero") }
            return .int(CivilCalendar.floorDivide(a, b))
        }
        guard let a = lhs.numericValue, let b = rhs.numericValue, b != 0 else {
            throw InterpolationError(.zeroDivision, "float floor division by zero")
        }
        return .double((a / b).rounded(.down))
    }

    static func modulo(_ lhs: JinjaValue, _ rhs: JinjaValue) throws(InterpolationError) -> JinjaValue {
        try checkDefined(lhs, rhs)
        if case .string(let format) = lhs { return .string(try PercentFormat.format(format, rhs)) }
        guard lhs.isNumber, rhs.isNumber else { throw unsupported("%", lhs, rhs) }
        if let a = lhs.integerValue, let b = rhs.integerValue {
            guard b != 0 else { throw InterpolationError(.zeroDivision, "integer division or modulo by zero") }
            return .int(CivilCalendar.floorModulo(a, b))
        }
        guard let a = lhs.numericValue, let b = rhs.numericValue, b != 0 else { throw InterpolationError(.zeroDivision, "float modulo") }
        let remainder = a.truncatingRemainder(dividingBy: b)
        return .double(remainder != 0 && (remainder < 0) != (b < 0) ? remainder + b : remainder)
    }

    static func power(_ lhs: JinjaValue, _ rhs: JinjaValue) throws(InterpolationError) -> JinjaValue {
        try checkDefined(lhs, rhs)
        guard lhs.isNumber, rhs.isNumber else { throw unsupported("** or pow()", lhs, rhs) }
        if let base = lhs.integerValue, let exponent = rhs.integerValue, exponent >= 0 {
            var result: Int64 = 1
            for _ in 0..<exponent {
                let (product, overflow) = result.multipliedReportingOverflow(by: base)
                if overflow { return .double(pow(Double(base), Double(exponent))) }
                result = product
            }
            return .int(result)
        }
        guard let a = lhs.numericValue, let b = rhs.numericValue else { throw unsupported("**", lhs, rhs) }
        return .double(pow(a, b))
    }

    static func negate(_ value: JinjaValue) throws(InterpolationError) -> JinjaValue {
        switch value {
        case .undefined(let hint): throw .undefined(hint)
        case .int(let integer):
            let (negated, overflow) = Int64(0).subtractingReportingOverflow(integer)
            return overflow ? .double(-Double(integer)) : .int(negated)
        case .bool(let flag): return .int(flag ? -1 : 0)
        case .double(let double): return .double(-double)
        case .bigInteger(let literal): return .bigInteger(literal.hasPrefix("-") ? String(literal.dropFirst()) : "-" + literal)
        case .timedelta(let delta): return .timedelta(-delta)
        default: throw .type("bad operand type for unary -: '\(value.pythonTypeName)'")
        }
    }

    /// Integer arithmetic with Python's promotion: bool → int, int → float when either is a float,
    /// and on 64-bit overflow a float (Python would keep an exact big integer).
    private static func numeric(
        _ lhs: JinjaValue, _ rhs: JinjaValue, _ symbol: String,
        integer: (Int64, Int64) -> (partialValue: Int64, overflow: Bool),
        double: (Double, Double) -> Double
    ) throws(InterpolationError) -> JinjaValue {
        guard lhs.isNumber, rhs.isNumber else { throw unsupported(symbol, lhs, rhs) }
        if let a = lhs.integerValue, let b = rhs.integerValue {
            let (result, overflow) = integer(a, b)
            if !overflow { return .int(result) }
        }
        guard let a = lhs.numericValue, let b = rhs.numericValue else { throw unsupported(symbol, lhs, rhs) }
        return .double(double(a, b))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
