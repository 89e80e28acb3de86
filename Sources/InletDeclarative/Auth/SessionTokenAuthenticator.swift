import InletJSON

import InletInterpolation

/// Logs in with `login_requester`, reads a session token from the response, and authenticates
/// requests with it until `expiration_duration` passes.
public struct SessionTokenAuthenticator: ManifestComponent {
    public static let typeName = "SessionTokenAuthenticator"

    public let loginRequester: HttpRequester
    public let sessionTokenPath: [String]
    public let expirationDuration: String?
    public let requestAuthentication: any ManifestComponent
    public let decoder: (any ManifestComponent)?

    public init(from node: ManifestNode) throws(ManifestError) {
        guard let requester = try node.component("login_requester", as: HttpRequester.self) else {
            throw node.error("the required field 'login_requester' is missing")
        }
        loginRequester = requester
        sessionTokenPath = try node.stringList("session_token_path") ?? []
        expirationDuration = try node.string("expiration_duration")
        requestAuthentication = try node.requiredComponent("request_authentication", among: [
            SessionTokenRequestApiKeyAuthenticator.self, SessionTokenRequestBearerAuthenticator.self,
        ])
        decoder = try node.component("decoder", among: DecoderTypes.all)
    }
}

/// Sends the session token as an API key wherever `inject_into` says.
public struct SessionTokenRequestApiKeyAuthenticator: ManifestComponent {
    public static let typeName = "ApiKey"

    public let injectInto: RequestOption

    public init(from node: ManifestNode) throws(ManifestError) {
        guard let option = try node.component("inject_into", as: RequestOption.self) else {
            throw node.error("the required field 'inject_into' is missing")
        }
        injectInto = option
    }
}

/// Sends the session token as `Authorization: Bearer <token>`.
public struct SessionTokenRequestBearerAuthenticator: ManifestComponent {
    public static let typeName = "Bearer"

    public init(from node: ManifestNode) throws(ManifestError) {}
}
