public import InletJSON

/// The connector's specification: the JSON schema of its config, and how users authenticate.
public struct Spec: ManifestComponent {
    public static let typeName = "Spec"

    public let connectionSpecification: JSONObject
    public let documentationURL: String?
    public let advancedAuth: JSONValue?
    public let configNormalizationRules: JSONObject?

    public init(from node: ManifestNode) throws(ManifestError) {
        guard let specification = try node.object("connection_specification") else {
            throw node.error("the required field 'connection_specification' is missing")
        }
        connectionSpecification = specification
        documentationURL = try node.string("documentation_url")
        advancedAuth = node.value["advanced_auth"]
        configNormalizationRules = try node.object("config_normalization_rules")
    }
}
