import InletJSON

extension SchemaEvaluator {
    // MARK: - type, enum, const

    func checkType(_ context: inout Context) {
        let allowed: [String]
        switch context.keywords["type"] {
        case .string(let type): allowed = [type]
        case .array(let types): allowed = types.compactMap(\.stringValue)
        default: return
        }
        guard !allowed.contains(where: { Self.instance(context.instance, hasType: $0) }) else { return }
        let expected = allowed.map { PythonRepr.describe($0) }.joined(separator: ", ")
        context.fail("type", "\(context.shownInstance) is not of type \(expected)")
    }

    /// JSON Schema's types as Python's `jsonschema` checks them: `1.0` is an integer, `true` is not a number.
    static func instance(_ instance: JSONValue, hasType type: String) -> Bool {
        switch (type, instance) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object):
            return true
        case ("number", .int), ("number", .double), ("number", .bigNumber), ("integer", .int):
            return true
        case ("integer", .double(let value)):
            return value.isFinite && value.rounded(.towardZero) == value
        case ("integer", .bigNumber(let literal)):
            return !literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
        default:
            return false
        }
    }

    func checkEnumAndConst(_ context: inout Context) {
        if case .array(let allowed) = context.keywords["enum"], !allowed.contains(where: { Self.equal($0, context.instance) }) {
            let options = context.isSecret ? "the allowed values" : PythonRepr.describe(.array(allowed))
            context.fail("enum", "\(context.shownInstance) is not one of \(options)")
        }
        if let constant = context.keywords["const"], !Self.equal(constant, context.instance) {
            let shown = context.isSecret ? Self.secretMask : PythonRepr.describe(constant)
            context.fail("const", "\(shown) was expected")
        }
    }

    /// Equality as `jsonschema` has it: numbers by value, but booleans never equal numbers.
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.bool, .int), (.int, .bool), (.bool, .double), (.double, .bool): return false
        default: return lhs == rhs
        }
    }

    // MARK: - numbers

    func checkNumber(_ context: inout Context) {
        guard context.instance.isNumber, let value = context.instance.doubleValue else { return }
        let shown = context.shownInstance
        if let minimum = context.keywords["minimum"], let bound = minimum.doubleValue, value < bound {
            context.fail("minimum", "\(shown) is less than the minimum of \(PythonRepr.describe(minimum))")
        }
        if let maximum = context.keywords["maximum"], let bound = maximum.doubleValue, value > bound {
            context.fail("maximum", "\(shown) is greater than the maximum of \(PythonRepr.describe(maximum))")
        }
        if let minimum = context.keywords["exclusiveMinimum"], let bound = minimum.doubleValue, value <= bound {
            context.fail("exclusiveMinimum", "\(shown) is less than or equal to the minimum of \(PythonRepr.describe(minimum))")
        }
        if let maximum = context.keywords["exclusiveMaximum"], let bound = maximum.doubleValue, value >= bound {
            context.fail("exclusiveMaximum", "\(shown) is greater than or equal to the maximum of \(PythonRepr.describe(maximum))")
        }
        if let divisor = context.keywords["multipleOf"], let step = divisor.doubleValue, step > 0 {
            let quotient = value / step
            if quotient.rounded() != quotient || !quotient.isFinite {
                context.fail("multipleOf", "\(shown) is not a multiple of \(PythonRepr.describe(divisor))")
            }
        }
    }

    // MARK: - strings

    func checkString(_ context: inout Context) {
        guard case .string(let string) = context.instance else { return }
        let shown = context.shownInstance
        let length = string.unicodeScalars.count
        if let minimum = context.keywords["minLength"]?.intValue, length < minimum {
            context.fail("minLength", "\(shown) \(minimum == 1 ? "should be non-empty" : "is too short")")
        }
        if let maximum = context.keywords["maxLength"]?.intValue, length > maximum {
            context.fail("maxLength", "\(shown) \(maximum == 0 ? "is expected to be empty" : "is too long")")
        }
        if case .string(let pattern) = context.keywords["pattern"], patterns.matches(pattern, string) == false {
            context.fail("pattern", "\(shown) does not match \(PythonRepr.describe(pattern))")
        }
        if options.validatesFormats, case .string(let format) = context.keywords["format"],
            !FormatChecker.conforms(string, to: format)
        {
            context.fail("format", "\(shown) is not a \(PythonRepr.describe(format))")
        }
    }

    // MARK: - arrays

    mutating func checkArray(_ context: inout Context) {
        guard case .array(let elements) = context.instance else { return }
        let shown = context.shownInstance
        if let minimum = context.keywords["minItems"]?.intValue, elements.count < minimum {
            context.fail("minItems", "\(shown) \(minimum == 1 ? "should be non-empty" : "is too short")")
        }
        if let maximum = context.keywords["maxItems"]?.intValue, elements.count > maximum {
            context.fail("maxItems", "\(shown) \(maximum == 0 ? "is expected to be empty" : "is too long")")
        }
        if context.keywords["uniqueItems"] == .bool(true), Self.hasDuplicates(elements) {
            context.fail("uniqueItems", "\(shown) has non-unique elements")
        }
        switch context.keywords["items"] {
        case .some(.array(let tuple)):
            for (index, element) in elements.enumerated() {
                let itemSchema = index < tuple.count ? tuple[index] : (context.keywords["additionalItems"] ?? .bool(true))
                evaluate(element, against: itemSchema, at: context.path.appending(index: index),
                         isSecret: context.isSecret, into: &context.violations)
            }
        case .some(let itemSchema):
            for (index, element) in elements.enumerated() {
                evaluate(element, against: itemSchema, at: context.path.appending(index: index),
                         isSecret: context.isSecret, into: &context.violations)
            }
        case .none:
            break
        }
    }

    private static func hasDuplicates(_ elements: [JSONValue]) -> Bool {
        for (index, element) in elements.enumerated() {
            for other in elements[(index + 1)...] where equal(element, other) {
                return true
            }
        }
        return false
    }

    // MARK: - objects

    mutating func checkObject(_ context: inout Context) {
        guard case .object(let object) = context.instance else { return }
        let shown = context.shownInstance
        if case .array(let required) = context.keywords["required"] {
            for case .string(let name) in required where !object.contains(key: name) {
                context.fail("required", "\(PythonRepr.describe(name)) is a required property")
            }
        }
        if let minimum = context.keywords["minProperties"]?.intValue, object.count < minimum {
            context.fail("minProperties", "\(shown) \(minimum == 1 ? "should be non-empty" : "does not have enough properties")")
        }
        if let maximum = context.keywords["maxProperties"]?.intValue, object.count > maximum {
            context.fail("maxProperties", "\(shown) \(maximum == 0 ? "is expected to be empty" : "has too many properties")")
        }

        let properties = context.keywords["properties"]?.objectValue ?? [:]
        let patternProperties = context.keywords["patternProperties"]?.objectValue ?? [:]
        var unexpected: [String] = []
        for (key, value) in object {
            let memberPath = context.path.appending(key)
            var matched = false
            if let propertySchema = properties[key] {
                matched = true
                evaluate(value, against: propertySchema, at: memberPath, isSecret: context.isSecret, into: &context.violations)
            }
            for (pattern, patternSchema) in patternProperties where patterns.matches(pattern, key) == true {
                matched = true
                evaluate(value, against: patternSchema, at: memberPath, isSecret: context.isSecret, into: &context.violations)
            }
            guard !matched, let additional = context.keywords["additionalProperties"] else { continue }
            if additional == .bool(false) {
                unexpected.append(key)
            } else {
                evaluate(value, against: additional, at: memberPath, isSecret: context.isSecret, into: &context.violations)
            }
        }
        if !unexpected.isEmpty {
            let names = unexpected.map { PythonRepr.describe($0) }.joined(separator: ", ")
            context.fail("additionalProperties",
                         "Additional properties are not allowed (\(names) \(unexpected.count == 1 ? "was" : "were") unexpected)")
        }
    }

    // MARK: - combinators

    mutating func checkCombinators(_ context: inout Context) {
        if case .array(let schemas) = context.keywords["allOf"] {
            for schema in schemas {
                evaluate(context.instance, against: schema, at: context.path, isSecret: context.isSecret, into: &context.violations)
            }
        }
        if case .array(let schemas) = context.keywords["anyOf"] {
            let outcomes = schemas.map { branchViolations(context.instance, $0, context) }
            if !outcomes.contains(where: \.isEmpty) {
                reportNoBranchMatched("anyOf", schemas: schemas, outcomes: outcomes, &context)
            }
        }
        if case .array(let schemas) = context.keywords["oneOf"] {
            let outcomes = schemas.map { branchViolations(context.instance, $0, context) }
            let matching = outcomes.indices.filter { outcomes[$0].isEmpty }
            if matching.isEmpty {
                reportNoBranchMatched("oneOf", schemas: schemas, outcomes: outcomes, &context)
            } else if matching.count > 1 {
                // Worded as jsonschema does: the other matches first, then the first one.
                let ordered = matching.dropFirst() + [matching[0]]
                let shownSchemas = ordered.map { PythonRepr.describe(schemas[$0]) }.joined(separator: ", ")
                context.fail("oneOf", "\(context.shownInstance) is valid under each of \(shownSchemas)")
            }
        }
        if let negated = context.keywords["not"], branchViolations(context.instance, negated, context).isEmpty {
            context.fail("not", "\(context.shownInstance) should not be valid under \(PythonRepr.describe(negated))")
        }
        if let condition = context.keywords["if"] {
            let branch = branchViolations(context.instance, condition, context).isEmpty
                ? context.keywords["then"] : context.keywords["else"]
            if let branch {
                evaluate(context.instance, against: branch, at: context.path, isSecret: context.isSecret, into: &context.violations)
            }
        }
    }

    private mutating func branchViolations(_ instance: JSONValue, _ schema: JSONValue, _ context: Context) -> [JSONSchemaViolation] {
        var violations: [JSONSchemaViolation] = []
        evaluate(instance, against: schema, at: context.path, isSecret: context.isSecret, into: &violations)
        return violations
    }

    /// When the instance picks a branch by a discriminator (a `const` or `enum` it satisfies, as
    /// Airbyte's `auth_type` options do), that branch's own errors say more than "no branch matched".
    private func reportNoBranchMatched(
        _ keyword: String,
        schemas: [JSONValue],
        outcomes: [[JSONSchemaViolation]],
        _ context: inout Context
    ) {
        let discriminated = outcomes.indices.filter { index in
            Self.hasDiscriminator(schemas[index]) && !outcomes[index].contains { $0.keyword == "const" || $0.keyword == "enum" }
        }
        if discriminated.count == 1 {
            context.violations.append(contentsOf: outcomes[discriminated[0]])
            return
        }
        context.fail(keyword, "\(context.shownInstance) is not valid under any of the given schemas")
    }

    private static func hasDiscriminator(_ schema: JSONValue) -> Bool {
        guard let properties = schema["properties"]?.objectValue else { return false }
        return properties.contains { $0.value["const"] != nil || $0.value["enum"] != nil }
    }
}
