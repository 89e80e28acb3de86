public import InletJSON

/// A value inside a template, with Python's types as Jinja sees them.
///
/// Values from the context (config, record, response) stay JSON (`.jsonObject`, `.jsonArray`) and
/// are converted one member at a time as a template reaches into them, so evaluating
/// `record['x']` never copies the record.
public enum JinjaValue: Sendable {
    /// Jinja's `Undefined`: renders as nothing, fails when used further. `hint` names what was missing.
    case undefined(hint: String)
    case none
    case bool(Bool)
    case int(Int64)
    /// An integer too large for `Int64`, kept as its decimal text.
    case bigInteger(String)
    case double(Double)
    case string(String)
    case list([JinjaValue])
    case tuple([JinjaValue])
    case dict(JinjaDict)
    case jsonArray([JSONValue])
    case jsonObject(JSONObject)
    /// A mapping with Python attributes of its own, such as the CDK's `StreamSlice`
    /// (`stream_slice.partition`, `stream_slice.extra_fields`).
    case object(JinjaMappingObject)
    case datetime(PyDateTime)
    case date(PyDate)
    case timedelta(PyTimedelta)
    case function(JinjaFunction)
    case namespace(JinjaNamespace)
}

extension JinjaValue {
    public init(_ json: JSONValue) {
        switch json {
        case .null: self = .none
        case .bool(let flag): self = .bool(flag)
        case .int(let integer): self = .int(integer)
        case .double(let double): self = .double(double)
        case .bigNumber(let literal):
            if literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                self = .double(Double(literal) ?? .nan)
            } else {
                self = .bigInteger(literal)
            }
        case .string(let string): self = .string(string)
        case .array(let elements): self = .jsonArray(elements)
        case .object(let object): self = .jsonObject(object)
        }
    }

    public var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    public var isNone: Bool {
        if case .none = self { return true }
        return false
    }

    /// Python's name for the type, as error messages and `type()` checks use it.
    public var pythonTypeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int, .bigInteger: return "int"
        case .double: return "float"
        case .string: return "str"
        case .list, .jsonArray: return "list"
        case .tuple: return "tuple"
        case .dict, .jsonObject: return "dict"
        case .object(let object): return object.typeName
        case .datetime: return "datetime"
        case .date: return "date"
        case .timedelta(let delta): return delta.hasCalendarPart ? "Duration" : "timedelta"
        case .function: return "function"
        case .namespace: return "Namespace"
        }
    }

    /// Python truthiness; `Undefined` is false.
    public var isTruthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let flag): return flag
        case .int(let integer): return integer != 0
        case .bigInteger: return true
        case .double(let double): return double != 0
        case .string(let string): return !string.isEmpty
        case .list(let elements), .tuple(let elements): return !elements.isEmpty
        case .jsonArray(let elements): return !elements.isEmpty
        case .dict(let dict): return !dict.isEmpty
        case .jsonObject(let object): return !object.isEmpty
        case .object(let object): return !object.mapping.isEmpty
        case .timedelta(let delta): return delta.microseconds != 0 || delta.hasCalendarPart
        case .datetime, .date, .function, .namespace: return true
        }
    }

    /// The elements of a sequence, the keys of a mapping or the characters of a string, as Python
    /// iterates them; `nil` for values that are not iterable.
    public var iterated: [JinjaValue]? {
        switch self {
        case .undefined: return []
        case .list(let elements), .tuple(let elements): return elements
        case .jsonArray(let elements): return elements.map(JinjaValue.init)
        case .dict(let dict): return dict.keys
        case .jsonObject(let object): return object.keys.map(JinjaValue.string)
        case .object(let object): return object.mapping.keys.map(JinjaValue.string)
        case .string(let string): return string.map { .string(String($0)) }
        default: return nil
        }
    }

    /// The number of elements, as Python's `len()`.
    public var length: Int? {
        switch self {
        case .undefined: return 0
        case .list(let elements), .tuple(let elements): return elements.count
        case .jsonArray(let elements): return elements.count
        case .dict(let dict): return dict.count
        case .jsonObject(let object): return object.count
        case .object(let object): return object.mapping.count
        case .string(let string): return string.count
        default: return nil
        }
    }

    var isMapping: Bool {
        switch self {
        case .dict, .jsonObject, .object: return true
        default: return false
        }
    }

    var isSequence: Bool {
        switch self {
        case .list, .tuple, .jsonArray, .string: return true
        default: return false
        }
    }

    var isNumber: Bool {
        switch self {
        case .int, .bigInteger, .double, .bool: return true
        default: return false
        }
    }

    /// The numeric value for arithmetic; booleans count as 0 and 1, as in Python.
    var numericValue: Double? {
        switch self {
        case .int(let integer): return Double(integer)
        case .bigInteger(let literal): return Double(literal)
        case .double(let double): return double
        case .bool(let flag): return flag ? 1 : 0
        default: return nil
        }
    }

    var integerValue: Int64? {
        switch self {
        case .int(let integer): return integer
        case .bool(let flag): return flag ? 1 : 0
        default: return nil
        }
    }

    var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }
}

/// A callable value: a macro, a global such as `namespace`, or a method bound to its receiver.
public struct JinjaFunction: Sendable {
    public typealias Body = @Sendable (_ arguments: JinjaArguments, _ runtime: JinjaRuntime) throws(InterpolationError) -> JinjaValue

    public let name: String
    let body: Body

    public init(name: String, body: @escaping Body) {
        self.name = name
        self.body = body
    }
}

/// Jinja's `namespace()`: the one mutable object templates have, so that `{% set ns.x = … %}`
/// inside a loop is seen after it.
public final class JinjaNamespace: @unchecked Sendable {
    // Only the template evaluation that created it ever touches it, on one task.
    var attributes: JinjaDict

    init(attributes: JinjaDict) {
        self.attributes = attributes
    }
}

/// A mapping value with attributes of its own: item access reads `mapping`, attribute access
/// reads `attributes` first.
public struct JinjaMappingObject: Sendable {
    public var typeName: String
    public var mapping: JSONObject
    public var attributes: [String: JinjaValue]
    /// Item lookups ignore case, as `requests`' header dictionaries do.
    public var caseInsensitiveKeys: Bool

    public init(typeName: String, mapping: JSONObject, attributes: [String: JinjaValue] = [:], caseInsensitiveKeys: Bool = false) {
        self.typeName = typeName
        self.mapping = mapping
        self.attributes = attributes
        self.caseInsensitiveKeys = caseInsensitiveKeys
    }

    func member(_ key: String) -> JSONValue? {
        if let value = mapping[key] { return value }
        guard caseInsensitiveKeys else { return nil }
        let lowered = key.lowercased()
        return mapping.first { $0.key.lowercased() == lowered }?.value
    }
}
