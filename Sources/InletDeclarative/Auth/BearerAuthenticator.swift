import InletJSON

public import InletInterpolation

/// `Authorization: Bearer <api_token>`.
public struct BearerAuthenticator: ManifestComponent {
    public static let typeName = "BearerAuthenticator"

    public let apiToken: InterpolatedString

    public init(from node: ManifestNode) throws(ManifestError) {
        apiToken = try node.requiredInterpolatedString("api_token")
    }
}
