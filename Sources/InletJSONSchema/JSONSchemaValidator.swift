public import InletJSON

/// Validates JSON instances against a draft-07 JSON Schema, as connector specs use it: `type` (with
/// unions), `required`, `properties`, `patternProperties`, `additionalProperties`, `enum`, `const`,
/// `pattern`, `format` (`date`, `date-time`), numeric bounds, lengths, `items`, `uniqueItems`,
/// `oneOf`/`anyOf`/`allOf`/`not`, `if`/`then`/`else` and local `$ref`s. `default` is an annotation:
/// see `applyingDefaults(to:)`.
public struct JSONSchemaValidator: Sendable {
    public struct Options: Sendable {
        /// Checks `format`. Python's `jsonschema.validate`, which the Airbyte CDK calls, checks no
        /// format; turn this off to accept exactly what the CDK accepts.
        public var validatesFormats: Bool

        public init(validatesFormats: Bool = true) {
            self.validatesFormats = validatesFormats
        }
    }

    public let schema: JSONValue
    public let options: Options
    /// Problems with the schema itself that validation works around, e.g. a `pattern` that is not a
    /// valid regular expression here (it is then not checked).
    public let schemaWarnings: [String]
    private let patterns: CompiledPatterns

    public init(schema: JSONValue, options: Options = Options()) {
        self.schema = schema
        self.options = options
        var warnings: [String] = []
        patterns = CompiledPatterns(collectingFrom: schema, warnings: &warnings)
        schemaWarnings = warnings
    }

    /// Every violation, most relevant first: shallower locations before deeper ones, and the
    /// catch-all `oneOf`/`anyOf` messages after specific ones at the same place.
    public func validate(_ instance: JSONValue) -> [JSONSchemaViolation] {
        var evaluator = SchemaEvaluator(root: schema, patterns: patterns, options: options)
        var violations: [JSONSchemaViolation] = []
        evaluator.evaluate(instance, against: schema, at: .root, isSecret: false, into: &violations)
        return violations.enumerated().sorted { lhs, rhs in
            let left = lhs.element
            let right = rhs.element
            if left.path.components.count != right.path.components.count {
                return left.path.components.count < right.path.components.count
            }
            let leftWeak = SchemaEvaluator.weakKeywords.contains(left.keyword)
            let rightWeak = SchemaEvaluator.weakKeywords.contains(right.keyword)
            if leftWeak != rightWeak { return rightWeak }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }

    public func isValid(_ instance: JSONValue) -> Bool {
        validate(instance).isEmpty
    }
}
