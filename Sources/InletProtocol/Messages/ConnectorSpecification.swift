public import InletJSON

/// The answer to `spec`: the JSON schema a config must satisfy, and how to authenticate.
public struct ConnectorSpecification: AirbyteProtocolValue {
    public var connectionSpecification: JSONObject
    public var documentationURL: String?
    public var changelogURL: String?
    public var supportsIncremental: Bool?
    /// The CDK writes `false` when a connector says nothing; so does `init`.
    public var supportsNormalization: Bool?
    public var supportsDBT: Bool?
    public var supportedDestinationSyncModes: [DestinationSyncMode]?
    /// Deprecated in the protocol; kept as it came.
    public var authSpecification: JSONValue?
    /// OAuth flow description for UIs; kept as it came.
    public var advancedAuth: JSONValue?
    public var protocolVersion: String?
    public var additionalProperties: JSONObject

    public init(
        connectionSpecification: JSONObject,
        documentationURL: String? = nil,
        changelogURL: String? = nil,
        supportsIncremental: Bool? = nil,
        supportsNormalization: Bool? = false,
        supportsDBT: Bool? = false,
        supportedDestinationSyncModes: [DestinationSyncMode]? = nil,
        authSpecification: JSONValue? = nil,
        advancedAuth: JSONValue? = nil,
        protocolVersion: String? = nil,
        additionalProperties: JSONObject = [:]
    ) {
        self.connectionSpecification = connectionSpecification
        self.documentationURL = documentationURL
        self.changelogURL = changelogURL
        self.supportsIncremental = supportsIncremental
        self.supportsNormalization = supportsNormalization
        self.supportsDBT = supportsDBT
        self.supportedDestinationSyncModes = supportedDestinationSyncModes
        self.authSpecification = authSpecification
        self.advancedAuth = advancedAuth
        self.protocolVersion = protocolVersion
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        connectionSpecification = try reader.object("connectionSpecification")
        documentationURL = try reader.optionalString("documentationUrl")
        changelogURL = try reader.optionalString("changelogUrl")
        supportsIncremental = try reader.optionalBool("supportsIncremental")
        supportsNormalization = try reader.optionalBool("supportsNormalization")
        supportsDBT = try reader.optionalBool("supportsDBT")
        supportedDestinationSyncModes = try reader.optionalArray("supported_destination_sync_modes")
        authSpecification = reader.optionalValue("authSpecification")
        advancedAuth = reader.optionalValue("advanced_auth")
        protocolVersion = try reader.optionalString("protocol_version")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder()
        builder.set("connectionSpecification", connectionSpecification)
        builder.set("documentationUrl", documentationURL)
        builder.set("changelogUrl", changelogURL)
        builder.set("supportsIncremental", supportsIncremental)
        builder.set("supportsNormalization", supportsNormalization)
        builder.set("supportsDBT", supportsDBT)
        builder.set("supported_destination_sync_modes", supportedDestinationSyncModes)
        builder.set("authSpecification", authSpecification)
        builder.set("advanced_auth", advancedAuth)
        builder.set("protocol_version", protocolVersion)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}
