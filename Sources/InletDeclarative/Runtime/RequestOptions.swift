import InletInterpolation
public import InletJSON

/// The query parameters, headers and bodies one request collects from its requester, paginator,
/// partition router, cursor and authenticator, merged as the CDK's `combine_mappings` merges them:
/// the same key from two sources is an error (JSON bodies may repeat a key with the same value).
public struct RequestOptions: Sendable {
    public var parameters = JSONObject()
    public var headers = JSONObject()
    public var bodyData = JSONObject()
    /// A form body given as one string instead of fields.
    public var bodyText: String?
    public var bodyJSON = JSONObject()

    public init() {}

    mutating func inject(_ option: RequestOption, value: JSONValue, context: InterpolationContext) throws(DeclarativeError) {
        var target = JSONObject()
        if let fieldPath = option.fieldPath {
            var keys: [String] = []
            for part in fieldPath {
                keys.append(try Self.text(part, context))
            }
            target = Self.nested(keys, value)
        } else if let fieldName = option.fieldName {
            target[try Self.text(fieldName, context)] = value
        }
        try merge(target, into: option.injectInto)
    }

    mutating func merge(_ options: JSONObject, into target: RequestOption.Target) throws(DeclarativeError) {
        switch target {
        case .requestParameter: try Self.combine(&parameters, options, allowSameValue: false)
        case .header: try Self.combine(&headers, options, allowSameValue: false)
        case .bodyData: try Self.combine(&bodyData, options, allowSameValue: false)
        case .bodyJSON: try Self.combine(&bodyJSON, options, allowSameValue: true)
        }
    }

    static func combine(_ target: inout JSONObject, _ source: JSONObject, allowSameValue: Bool, path: [String] = []) throws(DeclarativeError) {
        for (key, value) in source {
            let keyPath = path + [key]
            guard let existing = target[key] else {
                target[key] = value
                continue
            }
            if case .object(var existingObject) = existing, case .object(let sourceObject) = value, allowSameValue {
                try combine(&existingObject, sourceObject, allowSameValue: allowSameValue, path: keyPath)
                target[key] = .object(existingObject)
                continue
            }
            if allowSameValue && existing == value { continue }
            throw DeclarativeError.config(
                "Request body collision, duplicate keys detected at key path: \(keyPath.joined(separator: ".")). Please ensure that all keys in the request are unique.")
        }
    }

    private static func nested(_ keys: [String], _ value: JSONValue) -> JSONObject {
        guard let first = keys.first else { return [:] }
        if keys.count == 1 { return [first: value] }
        return [first: .object(nested(Array(keys.dropFirst()), value))]
    }

    static func text(_ template: InterpolatedString, _ context: InterpolationContext) throws(DeclarativeError) -> String {
        do {
            return PythonValueText.str(try template.eval(context))
        } catch {
            throw DeclarativeError.interpolation(error, at: "request option \(template.string)")
        }
    }
}

/// Python's `str()` of JSON values, as requests and the CDK turn values into query strings and headers.
public enum PythonValueText {
    public static func str(_ value: JSONValue) -> String {
        switch value {
        case .null: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .int(let integer): return String(integer)
        case .double(let double): return double.description
        case .bigNumber(let literal): return literal
        case .string(let text): return text
        case .array, .object: return JinjaValue(value).pythonString
        }
    }
}
