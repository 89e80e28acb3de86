public import InletJSON

/// One way an instance breaks its schema.
public struct JSONSchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// Where in the instance, e.g. `$.credentials.client_id`.
    public var path: JSONPath
    /// The schema keyword that failed: `required`, `type`, `pattern`, ….
    public var keyword: String
    /// Worded as Python's `jsonschema` words it, so messages match the Airbyte CDK's; values of
    /// `airbyte_secret` fields are shown as `****`.
    public var message: String

    public init(path: JSONPath, keyword: String, message: String) {
        self.path = path
        self.keyword = keyword
        self.message = message
    }

    public var description: String {
        path.isRoot ? "\(message) (rule: \(keyword))" : "\(path): \(message) (rule: \(keyword))"
    }
}
