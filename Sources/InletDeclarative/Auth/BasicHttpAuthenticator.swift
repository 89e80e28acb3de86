import InletJSON

public import InletInterpolation

/// `Authorization: Basic base64(username:password)`.
public struct BasicHttpAuthenticator: ManifestComponent {
    public static let typeName = "BasicHttpAuthenticator"

    public let username: InterpolatedString
    public let password: InterpolatedString?

    public init(from node: ManifestNode) throws(ManifestError) {
        username = try node.requiredInterpolatedString("username")
        password = try node.interpolatedString("password")
    }
}
