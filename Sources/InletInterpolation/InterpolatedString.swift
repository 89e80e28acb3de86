public import InletJSON

/// A manifest string that may hold a Jinja template, evaluated as the CDK's `InterpolatedString`:
/// render, then `ast.literal_eval` the text, so `"{{ 5 }}"` is the integer 5 and `"{{ [1] }}"` a list;
/// an empty or undefined result falls back to the default (the string itself unless given).
public struct InterpolatedString: Sendable {
    /// What an empty or undefined rendering gives.
    public enum Fallback: Sendable {
        /// Render this template instead (the CDK's `default`, which is the string itself unless given).
        case template(String)
        /// `None`, as the CDK's mappings get when they call the interpolation without a default.
        case none
    }

    public let string: String
    public let parameters: JSONObject
    private let template: JinjaTemplate?
    private let fallbackTemplate: JinjaTemplate?
    private let fallbackIsNone: Bool
    private let usesStreamState: Bool

    /// As the CDK's `InterpolatedString(string, default)`: an empty `default` means the string itself.
    public init(_ string: String, parameters: JSONObject = [:], default defaultValue: String? = nil,
                cache: JinjaTemplateCache? = nil) throws(InterpolationError) {
        let fallback = defaultValue.flatMap { $0.isEmpty ? nil : $0 } ?? string
        try self.init(string, parameters: parameters, fallback: .template(fallback), cache: cache)
    }

    public init(_ string: String, parameters: JSONObject = [:], fallback: Fallback, cache: JinjaTemplateCache? = nil) throws(InterpolationError) {
        self.string = string
        self.parameters = parameters
        usesStreamState = string.containsBytes("stream_state")
        func parse(_ text: String) throws(InterpolationError) -> JinjaTemplate {
            if let cache { return try cache.template(for: text) }
            return try JinjaTemplate(text)
        }
        template = Self.needsRendering(string) ? try parse(string) : nil
        switch fallback {
        case .none:
            fallbackTemplate = nil
            fallbackIsNone = true
        case .template(let text):
            fallbackTemplate = text == string ? template : (Self.needsRendering(text) ? try parse(text) : nil)
            fallbackIsNone = false
            if fallbackTemplate == nil { fallbackText = text }
        }
    }

    /// Plain text without template syntax renders to itself, except that Jinja drops one trailing
    /// newline and normalises carriage returns.
    private static func needsRendering(_ text: String) -> Bool {
        text.containsBytes("{{") || text.containsBytes("{%") || text.containsBytes("{#") || text.utf8.last == UInt8(ascii: "\n")
            || text.containsBytes("\r")
    }

    private var fallbackText: String = ""

    /// Whether the string holds template syntax at all; plain strings evaluate to themselves.
    public var isTemplate: Bool { template != nil }

    /// The members of the context variable `name` that the template and its fallback read, or nil
    /// when either may read any (see `JinjaTemplate.membersRead(of:)`).
    public func membersRead(of name: String) -> Set<String>? {
        var members: Set<String> = []
        for case let template? in [template, fallbackTemplate] {
            guard let read = template.membersRead(of: name) else { return nil }
            members.formUnion(read)
        }
        return members
    }

    /// Whether the template or its fallback reads any of these variables.
    public func reads(anyOf names: Set<String>) -> Bool {
        [template, fallbackTemplate].contains { $0.map { !$0.freeVariables.isDisjoint(with: names) } ?? false }
    }

    public func eval(_ context: InterpolationContext, validTypes: Set<PythonType>? = nil) throws(InterpolationError) -> JSONValue {
        try evaluate(context, validTypes: validTypes).jsonValue
    }

    /// The result as a template value, before conversion to JSON.
    public func evaluate(_ context: InterpolationContext, validTypes: Set<PythonType>? = nil) throws(InterpolationError) -> JinjaValue {
        if usesStreamState { throw Self.streamStateError(string) }
        guard let template else {
            return LiteralEvaluation.result(ofRendered: string, validTypes: validTypes)
        }
        do {
            if let rendered = try LiteralEvaluation.evaluate(template, context, parameters: parameters, validTypes: validTypes) {
                return rendered
            }
        } catch let error where error.kind == .undefined {
            // The CDK catches UndefinedError from the first rendering and falls back to the default.
        }
        if fallbackIsNone { return .none }
        guard let fallbackTemplate else { return LiteralEvaluation.result(ofRendered: fallbackText, validTypes: validTypes) }
        // Errors of the fallback rendering, undefined ones included, are not caught.
        return try LiteralEvaluation.evaluate(fallbackTemplate, context, parameters: parameters, validTypes: validTypes) ?? .string("")
    }

    static func streamStateError(_ string: String) -> InterpolationError {
        InterpolationError(
            .unsupportedVariable,
            "`stream_state` is no longer supported for interpolation. We recommend using `stream_interval` instead. Please reference the CDK Migration Guide for more information.",
            template: string)
    }
}

/// Jinja rendering followed by `ast.literal_eval`, with shortcuts that skip the text round trip
/// where it cannot change the value.
enum LiteralEvaluation {
    /// The result, or `nil` when the rendering was empty and the fallback applies. Undefined errors
    /// propagate; a `TypeError` makes the result the template's own text, as the CDK's `_eval` does.
    static func evaluate(_ template: JinjaTemplate, _ context: InterpolationContext, parameters: JSONObject,
                         validTypes: Set<PythonType>?) throws(InterpolationError) -> JinjaValue? {
        do {
            if let expression = template.singleExpression {
                let value = try template.evaluateSingleExpression(expression, context, parameters: parameters)
                switch value {
                case .undefined: return nil
                case .string(let text) where text.isEmpty: return nil
                case .int, .bigInteger, .bool, .none:
                    return typed(value, original: PythonText.str(value), validTypes)
                case .double(let double) where double.isFinite:
                    return typed(value, original: PythonText.str(value), validTypes)
                case .jsonObject, .jsonArray:
                    return typed(value, original: PythonText.str(value), validTypes)
                default:
                    return result(ofRendered: PythonText.str(value), validTypes: validTypes)
                }
            }
            let text = try template.render(context, parameters: parameters)
            if text.isEmpty { return nil }
            return result(ofRendered: text, validTypes: validTypes)
        } catch let error where error.kind == .type {
            return result(ofRendered: template.source, validTypes: validTypes)
        }
    }

    static func result(ofRendered text: String, validTypes: Set<PythonType>?) -> JinjaValue {
        guard PythonLiteral.mayBeLiteral(text), let literal = PythonLiteral.evaluate(text) else { return .string(text) }
        return typed(literal, original: text, validTypes)
    }

    /// `original` is only rendered when the value's type is not one of `validTypes`.
    private static func typed(_ value: JinjaValue, original: @autoclosure () -> String, _ validTypes: Set<PythonType>?) -> JinjaValue {
        guard let validTypes else { return value }
        return validTypes.contains { $0.matches(value) } ? value : .string(original())
    }
}

extension JinjaValue {
    /// The JSON form of an interpolation result: tuples and sets become arrays, dict keys their
    /// `str()`, dates their `str()`.
    public var jsonValue: JSONValue {
        switch self {
        case .undefined: return .string("")
        case .none: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let integer): return .int(integer)
        case .bigInteger(let literal): return .bigNumber(literal)
        case .double(let double): return .double(double)
        case .string(let string): return .string(string)
        case .list(let elements), .tuple(let elements): return .array(elements.map(\.jsonValue))
        case .jsonArray(let elements): return .array(elements)
        case .jsonObject(let object): return .object(object)
        case .object(let object): return .object(object.mapping)
        case .dict(let dict):
            var object = JSONObject(minimumCapacity: dict.count)
            for (key, value) in dict.pairs { object[PythonText.str(key)] = value.jsonValue }
            return .object(object)
        case .datetime, .date, .timedelta, .function, .namespace: return .string(PythonText.str(self))
        }
    }
}
