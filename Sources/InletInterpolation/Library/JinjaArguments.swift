/// The evaluated arguments of a call, with Python's binding of positional and keyword arguments.
public struct JinjaArguments: Sendable {
    public var positional: [JinjaValue]
    public var keyword: [(String, JinjaValue)]
    let callee: String

    init(positional: [JinjaValue] = [], keyword: [(String, JinjaValue)] = [], callee: String) {
        self.positional = positional
        self.keyword = keyword
        self.callee = callee
    }

    /// The argument at `position`, or the keyword argument `name`; `nil` when neither was given.
    public func value(_ position: Int, _ name: String) -> JinjaValue? {
        if position < positional.count { return positional[position] }
        return keyword.first { $0.0 == name }?.1
    }

    func required(_ position: Int, _ name: String) throws(InterpolationError) -> JinjaValue {
        guard let value = value(position, name) else {
            throw .type("\(callee)() missing required argument: '\(name)'")
        }
        return value
    }

    func string(_ position: Int, _ name: String) throws(InterpolationError) -> String? {
        guard let value = value(position, name) else { return nil }
        if case .undefined(let hint) = value { throw .undefined(hint) }
        guard case .string(let string) = value else {
            throw .type("\(callee)() argument '\(name)' must be str, not \(value.pythonTypeName)")
        }
        return string
    }

    func requiredString(_ position: Int, _ name: String) throws(InterpolationError) -> String {
        guard let string = try string(position, name) else {
            throw .type("\(callee)() missing required argument: '\(name)'")
        }
        return string
    }

    func integer(_ position: Int, _ name: String) throws(InterpolationError) -> Int? {
        guard let value = value(position, name), !value.isNone else { return nil }
        guard let integer = value.integerValue else {
            throw .type("'\(value.pythonTypeName)' object cannot be interpreted as an integer")
        }
        return Int(integer)
    }

    func bool(_ position: Int, _ name: String, default defaultValue: Bool) -> Bool {
        value(position, name)?.isTruthy ?? defaultValue
    }

    func expectAtMost(_ count: Int) throws(InterpolationError) {
        guard positional.count <= count else {
            throw .type("\(callee)() takes at most \(count) positional arguments (\(positional.count) given)")
        }
    }
}
