import InletJSON

/// The authenticators an `authenticator:` field accepts.
enum AuthenticatorTypes {
    static let all: [any ManifestComponent.Type] = [
        NoAuth.self, ApiKeyAuthenticator.self, BearerAuthenticator.self, BasicHttpAuthenticator.self, OAuthAuthenticator.self,
        JwtAuthenticator.self, SessionTokenAuthenticator.self, LegacySessionTokenAuthenticator.self, SelectiveAuthenticator.self,
    ]
}
