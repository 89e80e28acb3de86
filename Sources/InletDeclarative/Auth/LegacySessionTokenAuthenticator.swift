import InletJSON

public import InletInterpolation

/// The older session-token flow: log in at `login_url` with username and password unless a session
/// token is given, validate it at `validate_session_url`, send it in `header`.
public struct LegacySessionTokenAuthenticator: ManifestComponent {
    public static let typeName = "LegacySessionTokenAuthenticator"

    public let header: InterpolatedString
    public let loginURL: InterpolatedString
    public let sessionToken: InterpolatedString?
    public let sessionTokenResponseKey: InterpolatedString
    public let username: InterpolatedString?
    public let password: InterpolatedString?
    public let validateSessionURL: InterpolatedString

    public init(from node: ManifestNode) throws(ManifestError) {
        header = try node.requiredInterpolatedString("header")
        loginURL = try node.requiredInterpolatedString("login_url")
        sessionToken = try node.interpolatedString("session_token")
        sessionTokenResponseKey = try node.requiredInterpolatedString("session_token_response_key")
        username = try node.interpolatedString("username")
        password = try node.interpolatedString("password")
        validateSessionURL = try node.requiredInterpolatedString("validate_session_url")
    }
}
