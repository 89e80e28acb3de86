public import InletJSON

/// A manifest condition, true unless it evaluates to one of the CDK's false values:
/// `False`, `false`, `{}`, `[]`, `()`, `""`, `"0"`, `"0.0"`, `0`, `None`.
public struct InterpolatedBoolean: Sendable {
    public let condition: InterpolatedString?
    private let constant: Bool?

    public init(_ condition: String, parameters: JSONObject = [:], cache: JinjaTemplateCache? = nil) throws(InterpolationError) {
        self.condition = try InterpolatedString(condition, parameters: parameters, default: "False", cache: cache)
        constant = nil
    }

    public init(constant: Bool) {
        condition = nil
        self.constant = constant
    }

    public func eval(_ context: InterpolationContext) throws(InterpolationError) -> Bool {
        if let constant { return constant }
        guard let condition else { return false }
        let value = try condition.evaluate(context)
        // A comparison's result: among the false values only `False` equals a bool.
        if case .bool(let flag) = value { return flag }
        return !Self.falseValues.contains { PythonSemantics.equal($0, value) }
    }

    private static let falseValues: [JinjaValue] = [
        .string("False"), .string("false"), .string("{}"), .string("[]"), .string("()"), .string(""), .string("0"),
        .string("0.0"), .dict(JinjaDict()), .bool(false), .none, .list([]), .tuple([]),
    ]
}
