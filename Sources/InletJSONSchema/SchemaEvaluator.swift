import InletJSON

/// Walks an instance and its schema together, collecting violations.
struct SchemaEvaluator {
    /// Keywords whose failure says little on its own; a specific error at the same place wins.
    static let weakKeywords: Set<String> = ["anyOf", "oneOf"]
    static let secretMask = "'****'"
    private static let maximumReferenceDepth = 64

    let root: JSONValue
    let patterns: CompiledPatterns
    let options: JSONSchemaValidator.Options
    private var referenceDepth = 0

    init(root: JSONValue, patterns: CompiledPatterns, options: JSONSchemaValidator.Options) {
        self.root = root
        self.patterns = patterns
        self.options = options
    }

    mutating func evaluate(
        _ instance: JSONValue,
        against schema: JSONValue,
        at path: JSONPath,
        isSecret inheritedSecret: Bool,
        into violations: inout [JSONSchemaViolation]
    ) {
        switch schema {
        case .bool(true):
            return
        case .bool(false):
            violations.append(JSONSchemaViolation(
                path: path, keyword: "false",
                message: "False schema does not allow \(Self.describe(instance, isSecret: inheritedSecret))"))
            return
        case .object(let keywords):
            let isSecret = inheritedSecret || keywords["airbyte_secret"] == .bool(true)
            if case .string(let reference) = keywords["$ref"] {
                // In draft-07 a `$ref` replaces its siblings.
                evaluateReference(reference, instance: instance, at: path, isSecret: isSecret, into: &violations)
                return
            }
            var context = Context(instance: instance, keywords: keywords, path: path, isSecret: isSecret)
            checkType(&context)
            checkEnumAndConst(&context)
            checkNumber(&context)
            checkString(&context)
            checkArray(&context)
            checkObject(&context)
            checkCombinators(&context)
            violations.append(contentsOf: context.violations)
        default:
            return
        }
    }

    /// What one schema object needs while its keywords are checked.
    struct Context {
        let instance: JSONValue
        let keywords: JSONObject
        let path: JSONPath
        let isSecret: Bool
        var violations: [JSONSchemaViolation] = []

        var shownInstance: String { SchemaEvaluator.describe(instance, isSecret: isSecret) }

        mutating func fail(_ keyword: String, _ message: String) {
            violations.append(JSONSchemaViolation(path: path, keyword: keyword, message: message))
        }
    }

    static func describe(_ instance: JSONValue, isSecret: Bool) -> String {
        isSecret ? secretMask : PythonRepr.describe(instance)
    }

    // MARK: - References

    private mutating func evaluateReference(
        _ reference: String,
        instance: JSONValue,
        at path: JSONPath,
        isSecret: Bool,
        into violations: inout [JSONSchemaViolation]
    ) {
        guard referenceDepth < Self.maximumReferenceDepth, let target = resolve(reference) else {
            violations.append(JSONSchemaViolation(
                path: path, keyword: "$ref",
                message: "the schema reference \(PythonRepr.describe(reference)) cannot be resolved"))
            return
        }
        referenceDepth += 1
        evaluate(instance, against: target, at: path, isSecret: isSecret, into: &violations)
        referenceDepth -= 1
    }

    /// Resolves a local JSON pointer (`#`, `#/definitions/name`).
    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var current = root
        for rawToken in reference.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
            let token = String(rawToken).replacingEscapes()
            if case .array(let elements) = current, let index = Int(token), elements.indices.contains(index) {
                current = elements[index]
            } else if let next = current[token] {
                current = next
            } else {
                return nil
            }
        }
        return current
    }
}

extension String {
    /// JSON-pointer unescaping: `~1` is `/`, `~0` is `~`, and percent-encoding is decoded.
    fileprivate func replacingEscapes() -> String {
        var result = ""
        var iterator = unicodeScalars.makeIterator()
        var pending: [UInt8] = []
        while let scalar = iterator.next() {
            if scalar == "%" {
                var hex = ""
                if let first = iterator.next() { hex.unicodeScalars.append(first) }
                if let second = iterator.next() { hex.unicodeScalars.append(second) }
                if let byte = UInt8(hex, radix: 16) {
                    pending.append(byte)
                    continue
                }
                result += "%" + hex
                continue
            }
            if !pending.isEmpty {
                result += String(decoding: pending, as: UTF8.self)
                pending.removeAll()
            }
            result.unicodeScalars.append(scalar)
        }
        if !pending.isEmpty { result += String(decoding: pending, as: UTF8.self) }
        return result.replacing("~1", with: "/").replacing("~0", with: "~")
    }
}
