import InletJSON
import InletJSONSchema
import Testing

/// Schemas, instances and the message Python's `jsonschema` (4.26, as the Airbyte CDK uses it) gives
/// for the most relevant error; generated once with `jsonschema.validate` and committed.
private let referenceCasesJSON = #"""
[{"schema": {"type": "object", "required": ["api_key", "start_date"], "properties": {"api_key": {"type": "string"}}}, "instance": {"api_key": "k"}, "message": "'start_date' is a required property"}, {"schema": {"type": "object", "properties": {"n": {"type": "integer"}}}, "instance": {"n": "5"}, "message": "'5' is not of type 'integer'"}, {"schema": {"type": "object", "properties": {"n": {"type": ["integer", "null"]}}}, "instance": {"n": 1.5}, "message": "1.5 is not of type 'integer', 'null'"}, {"schema": {"type": "object", "properties": {"n": {"type": "integer"}}}, "instance": {"n": 2.0}, "message": null}, {"schema": {"type": "object", "properties": {"n": {"type": "number"}}}, "instance": {"n": true}, "message": "True is not of type 'number'"}, {"schema": {"type": "object", "properties": {"e": {"enum": ["a", "b"]}}}, "instance": {"e": "c"}, "message": "'c' is not one of ['a', 'b']"}, {"schema": {"type": "object", "properties": {"c": {"const": "oauth"}}}, "instance": {"c": "api"}, "message": "'oauth' was expected"}, {"schema": {"type": "object", "properties": {"d": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}}}, "instance": {"d": "2024/01/01"}, "message": "'2024/01/01' does not match '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'"}, {"schema": {"type": "object", "properties": {"m": {"type": "integer", "minimum": 1, "maximum": 10}}}, "instance": {"m": 0}, "message": "0 is less than the minimum of 1"}, {"schema": {"type": "object", "properties": {"m": {"type": "integer", "minimum": 1, "maximum": 10}}}, "instance": {"m": 11}, "message": "11 is greater than the maximum of 10"}, {"schema": {"type": "object", "properties": {"m": {"exclusiveMinimum": 1}}}, "instance": {"m": 1}, "message": "1 is less than or equal to the minimum of 1"}, {"schema": {"type": "object", "properties": {"s": {"type": "string", "minLength": 1}}}, "instance": {"s": ""}, "message": "'' should be non-empty"}, {"schema": {"type": "object", "properties": {"s": {"type": "string", "minLength": 3}}}, "instance": {"s": "ab"}, "message": "'ab' is too short"}, {"schema": {"type": "object", "properties": {"s": {"type": "string", "maxLength": 2}}}, "instance": {"s": "abc"}, "message": "'abc' is too long"}, {"schema": {"type": "object", "properties": {"l": {"type": "array", "items": {"type": "string"}}}}, "instance": {"l": ["a", 1]}, "message": "1 is not of type 'string'"}, {"schema": {"type": "object", "properties": {"l": {"type": "array", "minItems": 1}}}, "instance": {"l": []}, "message": "[] should be non-empty"}, {"schema": {"type": "object", "properties": {"l": {"type": "array", "uniqueItems": true}}}, "instance": {"l": [1, 2, 1]}, "message": "[1, 2, 1] has non-unique elements"}, {"schema": {"type": "object", "additionalProperties": false, "properties": {"a": {}}}, "instance": {"a": 1, "b": 2}, "message": "Additional properties are not allowed ('b' was unexpected)"}, {"schema": {"type": "object", "additionalProperties": false, "properties": {"a": {}}}, "instance": {"a": 1, "b": 2, "c": 3}, "message": "Additional properties are not allowed ('b', 'c' were unexpected)"}, {"schema": {"type": "object", "properties": {"x": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}}, "instance": {"x": []}, "message": "[] is not valid under any of the given schemas"}, {"schema": {"type": "object", "properties": {"x": {"oneOf": [{"type": "integer"}, {"type": "number"}]}}}, "instance": {"x": 1}, "message": "1 is valid under each of {'type': 'number'}, {'type': 'integer'}"}, {"schema": {"type": "object", "properties": {"x": {"allOf": [{"type": "integer"}, {"minimum": 5}]}}}, "instance": {"x": 3}, "message": "3 is less than the minimum of 5"}, {"schema": {"type": "object", "properties": {"x": {"not": {"type": "string"}}}}, "instance": {"x": "s"}, "message": "'s' should not be valid under {'type': 'string'}"}, {"schema": {"type": "object", "properties": {"x": {"multipleOf": 5}}}, "instance": {"x": 7}, "message": "7 is not a multiple of 5"}, {"schema": {"type": "object", "properties": {"nested": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}}}, "instance": {"nested": {}}, "message": "'id' is a required property"}, {"schema": {"type": "object"}, "instance": 5, "message": "5 is not of type 'object'"}, {"schema": {"type": "object", "properties": {"q": {"type": "string"}}}, "instance": {"q": {"a": [1, null, true]}}, "message": "{'a': [1, None, True]} is not of type 'string'"}, {"schema": {"type": "object", "properties": {"q": {"type": "integer"}}}, "instance": {"q": "it's"}, "message": "\"it's\" is not of type 'integer'"}]
"""#

@Suite("JSON Schema validation against the reference's messages")
struct JSONSchemaReferenceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var schema: JSONValue
        var instance: JSONValue
        var message: String?
        var testDescription: String { "\(instance) against \(schema)" }
    }

    static let cases: [Case] = {
        guard case .array(let entries) = try? JSONParser.parse(referenceCasesJSON) else { return [] }
        return entries.map { entry in
            Case(schema: entry["schema"] ?? .null, instance: entry["instance"] ?? .null, message: entry["message"]?.stringValue)
        }
    }()

    @Test func tableIsLoaded() {
        #expect(Self.cases.count > 20)
    }

    @Test(arguments: cases)
    func firstViolationMatchesTheReference(_ testCase: Case) {
        let violations = JSONSchemaValidator(schema: testCase.schema).validate(testCase.instance)
        #expect(violations.first?.message == testCase.message)
    }
}
