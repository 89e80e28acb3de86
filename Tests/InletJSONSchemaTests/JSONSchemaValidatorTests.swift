import InletJSON
import InletJSONSchema
import Testing

@Suite("JSON Schema validation")
struct JSONSchemaValidatorTests {
    static let spec: JSONValue = try! JSONParser.parse(#"""
    {
      "type": "object",
      "required": ["api_key", "start_date", "credentials"],
      "additionalProperties": true,
      "properties": {
        "api_key": {"type": "string", "airbyte_secret": true, "pattern": "^key-[a-z]+$"},
        "start_date": {"type": "string", "format": "date-time"},
        "day": {"type": "string", "format": "date"},
        "page_size": {"type": "integer", "minimum": 1, "maximum": 100, "default": 50},
        "region": {"type": "string", "enum": ["us", "eu"], "default": "us"},
        "credentials": {
          "type": "object",
          "oneOf": [
            {"title": "OAuth", "required": ["auth_type", "client_secret"],
             "properties": {"auth_type": {"const": "oauth2.0"}, "client_secret": {"type": "string", "airbyte_secret": true}}},
            {"title": "Token", "required": ["auth_type", "token"],
             "properties": {"auth_type": {"const": "token"}, "token": {"type": "string", "airbyte_secret": true, "minLength": 10}}}
          ]
        },
        "nested": {"$ref": "#/definitions/Nested"}
      },
      "definitions": {"Nested": {"type": "object", "properties": {"depth": {"type": "integer"}}}}
    }
    """#)

    let validator = JSONSchemaValidator(schema: spec)

    @Test func aValidConfigPasses() throws {
        let config = try JSONParser.parse(#"{"api_key":"key-abc","start_date":"2024-01-01T00:00:00Z","credentials":{"auth_type":"token","token":"0123456789"},"nested":{"depth":2},"extra":1}"#)
        #expect(validator.validate(config).isEmpty)
        #expect(validator.schemaWarnings.isEmpty)
    }

    @Test func violationsNameThePathAndTheRule() throws {
        let config = try JSONParser.parse(#"{"api_key":"key-abc","start_date":"2024-01-01T00:00:00Z","credentials":{"auth_type":"token","token":"0123456789"},"page_size":0,"nested":{"depth":"deep"}}"#)
        let violations = validator.validate(config)
        #expect(violations.map(\.description) == [
            "$.page_size: 0 is less than the minimum of 1 (rule: minimum)",
            "$.nested.depth: 'deep' is not of type 'integer' (rule: type)",
        ])
    }

    @Test func secretValuesNeverAppearInMessages() throws {
        let config = try JSONParser.parse(#"{"api_key":"SUPERSECRET","start_date":"2024-01-01T00:00:00Z","credentials":{"auth_type":"token","token":"tiny9"}}"#)
        let violations = validator.validate(config)
        let text = violations.map(\.description).joined(separator: "\n")
        #expect(!text.contains("SUPERSECRET"))
        #expect(!text.contains("tiny9"))
        #expect(text.contains("$.api_key: '****' does not match '^key-[a-z]+$' (rule: pattern)"))
        // The token branch is the one `auth_type` picks, so its own error is the one reported.
        #expect(text.contains("$.credentials.token: '****' is too short (rule: minLength)"))
    }

    @Test func noMatchingBranchWithoutADiscriminator() throws {
        let config = try JSONParser.parse(#"{"api_key":"key-a","start_date":"2024-01-01T00:00:00Z","credentials":{"auth_type":"basic"}}"#)
        let violations = validator.validate(config)
        #expect(violations.map(\.keyword) == ["oneOf"])
        #expect(violations.first?.path.description == "$.credentials")
    }

    @Test(arguments: [
        ("2024-01-01T00:00:00Z", true), ("2024-01-01t10:20:30.123+02:00", true), ("2024-02-30T00:00:00Z", false),
        ("2024-01-01", false), ("2024-01-01T25:00:00Z", false), ("2024-01-01T00:00:00", false),
    ])
    func dateTimeFormat(_ value: String, _ valid: Bool) {
        let schema: JSONValue = ["type": "string", "format": "date-time"]
        #expect(JSONSchemaValidator(schema: schema).isValid(.string(value)) == valid)
    }

    @Test(arguments: [("2024-02-29", true), ("2023-02-29", false), ("2024-13-01", false), ("24-01-01", false)])
    func dateFormat(_ value: String, _ valid: Bool) {
        let schema: JSONValue = ["type": "string", "format": "date"]
        #expect(JSONSchemaValidator(schema: schema).isValid(.string(value)) == valid)
    }

    @Test func formatsCanBeLeftUncheckedLikeTheCDK() {
        let schema: JSONValue = ["type": "string", "format": "date-time"]
        let lenient = JSONSchemaValidator(schema: schema, options: .init(validatesFormats: false))
        #expect(lenient.isValid("2024-01-01"))
    }

    @Test func patternsSearchLikePython() {
        let schema: JSONValue = ["type": "string", "pattern": "[0-9]{3}"]
        let validator = JSONSchemaValidator(schema: schema)
        #expect(validator.isValid("abc123def"))
        #expect(!validator.isValid("ab12"))
    }

    @Test func anUnsupportedPatternIsAWarningNotAFailure() {
        let schema: JSONValue = ["type": "string", "pattern": "(unclosed"]
        let validator = JSONSchemaValidator(schema: schema)
        #expect(validator.schemaWarnings.count == 1)
        #expect(validator.isValid("anything"))
    }

    @Test func defaultsAreFilledOnlyWhenAsked() throws {
        let config: JSONValue = ["api_key": "key-a"]
        let filled = validator.applyingDefaults(to: config)
        #expect(filled["page_size"] == 50)
        #expect(filled["region"] == "us")
        #expect(filled["api_key"] == "key-a")
        #expect(config["page_size"] == nil)
    }

    @Test func secretsAreFoundAndMasked() throws {
        let config = try JSONParser.parse(#"{"api_key":"key-abc","credentials":{"auth_type":"oauth2.0","client_secret":"s3cr3t-value"},"region":"eu"}"#)
        let secrets = AirbyteSecrets.values(in: config, specification: Self.spec)
        #expect(Set(secrets) == ["key-abc", "s3cr3t-value"])
        #expect(AirbyteSecrets.mask("token s3cr3t-value and key-abc in eu", secrets: secrets) == "token **** and **** in eu")
    }
}
