public import InletJSON

/// A mapping whose keys and string values are templates (request parameters, headers, form
/// bodies), evaluated as the CDK's `InterpolatedMapping`: an empty rendering is `None`.
public struct InterpolatedMapping: Sendable {
    private let entries: [(key: InterpolatedString, value: Entry)]

    private enum Entry: Sendable {
        case template(InterpolatedString)
        case constant(JSONValue)
    }

    public init(_ mapping: JSONObject, parameters: JSONObject = [:], cache: JinjaTemplateCache? = nil) throws(InterpolationError) {
        var entries: [(InterpolatedString, Entry)] = []
        for (key, value) in mapping {
            let keyTemplate = try InterpolatedString(key, parameters: parameters, fallback: .none, cache: cache)
            if case .string(let text) = value {
                entries.append((keyTemplate, .template(try InterpolatedString(text, parameters: parameters, fallback: .none, cache: cache))))
            } else {
                entries.append((keyTemplate, .constant(value)))
            }
        }
        self.entries = entries
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The evaluated mapping; values that render empty are `null`, as in the CDK.
    public func eval(_ context: InterpolationContext, validValueTypes: Set<PythonType>? = nil) throws(InterpolationError) -> JSONObject {
        var result = JSONObject(minimumCapacity: entries.count)
        for (key, value) in entries {
            let evaluatedKey = try key.evaluate(context, validTypes: [.string])
            let keyText = PythonText.str(evaluatedKey)
            switch value {
            case .constant(let constant): result[keyText] = constant
            case .template(let template):
                result[keyText] = try template.evaluate(context, validTypes: validValueTypes).jsonValue
            }
        }
        return result
    }
}

/// A nested structure of templates (JSON request bodies), evaluated as the CDK's
/// `InterpolatedNestedMapping`: strings anywhere are templates, and `null` members are dropped.
public struct InterpolatedNestedMapping: Sendable {
    public let mapping: JSONValue
    private let parameters: JSONObject

    public init(_ mapping: JSONValue, parameters: JSONObject = [:]) throws(InterpolationError) {
        self.mapping = mapping
        self.parameters = parameters
        try Self.validate(mapping, parameters: parameters)
    }

    private static func validate(_ value: JSONValue, parameters: JSONObject) throws(InterpolationError) {
        switch value {
        case .string(let text): _ = try InterpolatedString(text, parameters: parameters, fallback: .none)
        case .array(let elements): for element in elements { try validate(element, parameters: parameters) }
        case .object(let object):
            for (key, member) in object {
                _ = try InterpolatedString(key, parameters: parameters, fallback: .none)
                try validate(member, parameters: parameters)
            }
        default: break
        }
    }

    public func eval(_ context: InterpolationContext) throws(InterpolationError) -> JSONValue {
        try evaluate(mapping, context)
    }

    private func evaluate(_ value: JSONValue, _ context: InterpolationContext) throws(InterpolationError) -> JSONValue {
        switch value {
        case .string(let text):
            return try InterpolatedString(text, parameters: parameters, fallback: .none).evaluate(context).jsonValue
        case .array(let elements):
            var results: [JSONValue] = []
            for element in elements { results.append(try evaluate(element, context)) }
            return .array(results)
        case .object(let object):
            var result = JSONObject(minimumCapacity: object.count)
            for (key, member) in object {
                let evaluatedKey = try evaluate(.string(key), context)
                let evaluatedValue = try evaluate(member, context)
                if evaluatedValue.isNull { continue }
                result[evaluatedKey.stringValue ?? evaluatedKey.description] = evaluatedValue
            }
            return .object(result)
        default:
            return value
        }
    }
}
