/// Jinja's tests: `x is defined`, `x is none`, `x is divisibleby 3`, ….
enum JinjaTests {
    static func apply(_ name: String, to value: JinjaValue, arguments: JinjaArguments) throws(InterpolationError) -> Bool {
        func argument() throws(InterpolationError) -> JinjaValue { try arguments.required(0, "other") }
        switch name {
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "none": return value.isNone
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": if case .bool(true) = value { return true } else { return false }
        case "false": if case .bool(false) = value { return true } else { return false }
        case "integer":
            switch value {
            case .int, .bigInteger: return true
            default: return false
            }
        case "float": if case .double = value { return true } else { return false }
        case "number": return value.isNumber
        case "string": if case .string = value { return true } else { return false }
        case "mapping": return value.isMapping
        case "sequence": return value.isSequence || value.isMapping
        case "iterable": return value.iterated != nil && !value.isUndefined
        case "callable": if case .function = value { return true } else { return false }
        case "sameas":
            let other = try argument()
            return PythonSemantics.equal(value, other) && value.pythonTypeName == other.pythonTypeName
        case "escaped": return false
        case "in": return try PythonSemantics.contains(try arguments.required(0, "seq"), value)
        case "eq", "equalto", "==": return PythonSemantics.equal(value, try argument())
        case "ne", "!=": return !PythonSemantics.equal(value, try argument())
        case "lt", "lessthan", "<": return try PythonSemantics.lessThan(value, try argument())
        case "le", "<=": return try PythonSemantics.compare(value, "<=", try argument())
        case "gt", "greaterthan", ">": return try PythonSemantics.compare(value, ">", try argument())
        case "ge", ">=": return try PythonSemantics.compare(value, ">=", try argument())
        case "even", "odd":
            try PythonSemantics.checkDefined(value)
            guard let integer = value.integerValue else { throw .type("not all arguments converted during string formatting") }
            return (integer % 2 == 0) == (name == "even")
        case "divisibleby":
            guard let integer = value.integerValue, let divisor = try argument().integerValue, divisor != 0 else {
                throw InterpolationError(.zeroDivision, "integer division or modulo by zero")
            }
            return integer % divisor == 0
        case "lower": return value.stringValue.map { $0.lowercased() == $0 } ?? false
        case "upper": return value.stringValue.map { $0.uppercased() == $0 } ?? false
        case "filter": return JinjaFilters.names.contains(value.stringValue ?? "")
        case "test": return knownTests.contains(value.stringValue ?? "")
        default:
            throw InterpolationError(.syntax, "No test named '\(name)'.")
        }
    }

    static let knownTests: Set<String> = [
        "defined", "undefined", "none", "boolean", "true", "false", "integer", "float", "number", "string", "mapping",
        "sequence", "iterable", "callable", "sameas", "escaped", "in", "eq", "equalto", "ne", "lt", "lessthan", "le", "gt",
        "greaterthan", "ge", "even", "odd", "divisibleby", "lower", "upper", "filter", "test", "==", "!=", "<", "<=", ">", ">=",
    ]
}
