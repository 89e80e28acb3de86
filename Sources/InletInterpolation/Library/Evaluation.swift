import InletJSON

/// Jinja's attribute and item access: `a.b` tries the Python attribute first, then the item;
/// `a['b']` the item first, then the attribute; a miss is `Undefined`, and reaching into an
/// `Undefined` is an error.
enum Evaluation {
    static let dictMethods: Set<String> = ["get", "keys", "values", "items", "copy"]
    static let stringMethods: Set<String> = [
        "lower", "upper", "strip", "lstrip", "rstrip", "split", "rsplit", "replace", "startswith", "endswith", "join",
        "format", "find", "rfind", "index", "rindex", "count", "title", "capitalize", "isdigit", "isnumeric", "isalpha",
        "isalnum", "isdecimal", "isspace", "islower", "isupper", "zfill", "ljust", "rjust", "center", "splitlines",
        "partition", "rpartition", "casefold", "swapcase", "removeprefix", "removesuffix",
    ]
    static let listMethods: Set<String> = ["index", "count", "copy"]

    static func attribute(of value: JinjaValue, _ name: String) throws(InterpolationError) -> JinjaValue {
        switch value {
        case .undefined(let hint):
            throw InterpolationError(.undefined, hint)
        case .object(let object):
            if let attribute = object.attributes[name] { return attribute }
            if dictMethods.contains(name) { return boundMethod(name, on: .jsonObject(object.mapping)) }
            return object.member(name).map(JinjaValue.init) ?? .undefined(hint: "'\(object.typeName) object' has no attribute '\(name)'")
        case .jsonObject(let object):
            if dictMethods.contains(name) { return boundMethod(name, on: value) }
            return object[name].map(JinjaValue.init) ?? .undefined(hint: "'dict object' has no attribute '\(name)'")
        case .dict(let dict):
            if dictMethods.contains(name) { return boundMethod(name, on: value) }
            return dict[string: name] ?? .undefined(hint: "'dict object' has no attribute '\(name)'")
        case .string:
            if stringMethods.contains(name) { return boundMethod(name, on: value) }
        case .list, .jsonArray:
            if listMethods.contains(name) { return boundMethod(name, on: value) }
        case .namespace(let namespace):
            return namespace.attributes[string: name] ?? .undefined(hint: "'Namespace object' has no attribute '\(name)'")
        case .datetime, .date, .timedelta:
            if let property = try JinjaMethods.dateProperty(name, of: value) { return property }
            if JinjaMethods.dateMethods.contains(name) { return boundMethod(name, on: value) }
        default:
            break
        }
        return .undefined(hint: "'\(value.pythonTypeName) object' has no attribute '\(name)'")
    }

    static func item(of value: JinjaValue, _ key: JinjaValue) throws(InterpolationError) -> JinjaValue {
        switch (value, key) {
        case (.undefined(let hint), _):
            throw InterpolationError(.undefined, hint)
        case (.jsonObject(let object), .string(let name)):
            if let member = object[name] { return JinjaValue(member) }
        case (.object(let object), .string(let name)):
            if let member = object.member(name) { return JinjaValue(member) }
        case (.dict(let dict), _):
            if let member = dict[key] { return member }
        case (.jsonArray(let elements), _):
            if let position = key.integerValue, let index = normalized(position, count: elements.count) {
                return JinjaValue(elements[index])
            }
        case (.list(let elements), _), (.tuple(let elements), _):
            if let position = key.integerValue, let index = normalized(position, count: elements.count) {
                return elements[index]
            }
        case (.string(let string), _):
            if let position = key.integerValue {
                let characters = Array(string)
                if let index = normalized(position, count: characters.count) { return .string(String(characters[index])) }
            }
        case (.namespace(let namespace), .string(let name)):
            if let member = namespace.attributes[string: name] { return member }
        default:
            break
        }
        // Jinja falls back to the attribute of that name.
        if case .string(let name) = key {
            return try attribute(of: value, name)
        }
        return .undefined(hint: "'\(value.pythonTypeName) object' has no element \(PythonText.repr(key))")
    }

    private static func normalized(_ position: Int64, count: Int) -> Int? {
        let index = position < 0 ? Int(position) + count : Int(position)
        return (0..<count).contains(index) ? index : nil
    }

    static func slice(_ value: JinjaValue, start: JinjaValue?, stop: JinjaValue?, step: JinjaValue?) throws(InterpolationError) -> JinjaValue {
        if case .undefined(let hint) = value { throw .undefined(hint) }
        func bound(_ value: JinjaValue?) throws(InterpolationError) -> Int? {
            guard let value, !value.isNone else { return nil }
            guard let integer = value.integerValue else { throw .type("slice indices must be integers or None or have an __index__ method") }
            return Int(integer)
        }
        let stepValue = try bound(step) ?? 1
        guard stepValue != 0 else { throw .value("slice step cannot be zero") }
        func indices(count: Int) throws(InterpolationError) -> [Int] {
            func clamp(_ index: Int?, defaultValue: Int, low: Int, high: Int) -> Int {
                guard var index else { return defaultValue }
                if index < 0 { index += count }
                return min(max(index, low), high)
            }
            if stepValue > 0 {
                let from = clamp(try bound(start), defaultValue: 0, low: 0, high: count)
                let to = clamp(try bound(stop), defaultValue: count, low: 0, high: count)
                return Array(stride(from: from, to: to, by: stepValue))
            }
            let from = clamp(try bound(start), defaultValue: count - 1, low: -1, high: count - 1)
            let to = clamp(try bound(stop), defaultValue: -1, low: -1, high: count - 1)
            return Array(stride(from: from, to: to, by: stepValue))
        }
        switch value {
        case .string(let string):
            let characters = Array(string)
            return .string(String(try indices(count: characters.count).map { characters[$0] }))
        case .tuple(let elements):
            return .tuple(try indices(count: elements.count).map { elements[$0] })
        default:
            guard let elements = PythonSemantics.sequenceElements(value) else {
                throw .type("'\(value.pythonTypeName)' object is not subscriptable")
            }
            return .list(try indices(count: elements.count).map { elements[$0] })
        }
    }

    static func boundMethod(_ name: String, on receiver: JinjaValue) -> JinjaValue {
        .function(JinjaFunction(name: name) { arguments, runtime throws(InterpolationError) in
            try JinjaMethods.call(name, on: receiver, arguments: arguments, runtime: runtime)
        })
    }
}
