public import InletInterpolation
import InletJSON

/// OAuth 2.0: an access token obtained with a refresh token or client credentials, refreshed when it
/// expires; with `refresh_token_updater`, a rotated refresh token is written back into the config.
public struct OAuthAuthenticator: ManifestComponent {
    public static let typeName = "OAuthAuthenticator"

    public struct RefreshTokenUpdater: Sendable {
        public var refreshTokenName: String
        public var accessTokenConfigPath: [String]
        public var refreshTokenConfigPath: [String]
        public var tokenExpiryDateConfigPath: [String]
        public var refreshTokenErrorStatusCodes: [Int]
        public var refreshTokenErrorKey: String
        public var refreshTokenErrorValues: [String]
    }

    public let clientIDName: InterpolatedString
    public let clientID: InterpolatedString?
    public let clientSecretName: InterpolatedString
    public let clientSecret: InterpolatedString?
    public let refreshTokenName: InterpolatedString
    public let refreshToken: InterpolatedString?
    public let tokenRefreshEndpoint: InterpolatedString?
    public let accessTokenName: InterpolatedString
    public let accessTokenValue: InterpolatedString?
    public let expiresInName: InterpolatedString
    public let grantTypeName: InterpolatedString
    public let grantType: InterpolatedString
    public let refreshRequestBody: InterpolatedMappingField?
    public let refreshRequestHeaders: InterpolatedMappingField?
    public let sendRefreshRequestAsQueryParameters: Bool
    public let scopes: [String]?
    public let tokenExpiryDate: InterpolatedString?
    public let tokenExpiryDateFormat: String?
    public let refreshTokenUpdater: RefreshTokenUpdater?
    public let profileAssertion: JwtAuthenticator?
    public let useProfileAssertion: InterpolatedBoolean?

    public init(from node: ManifestNode) throws(ManifestError) {
        clientIDName = try node.interpolatedString("client_id_name") ?? InterpolatedString("client_id")
        clientID = try node.interpolatedString("client_id")
        clientSecretName = try node.interpolatedString("client_secret_name") ?? InterpolatedString("client_secret")
        clientSecret = try node.interpolatedString("client_secret")
        refreshTokenName = try node.interpolatedString("refresh_token_name") ?? InterpolatedString("refresh_token")
        refreshToken = try node.interpolatedString("refresh_token")
        tokenRefreshEndpoint = try node.interpolatedString("token_refresh_endpoint")
        accessTokenName = try node.interpolatedString("access_token_name") ?? InterpolatedString("access_token")
        accessTokenValue = try node.interpolatedString("access_token_value")
        expiresInName = try node.interpolatedString("expires_in_name") ?? InterpolatedString("expires_in")
        grantTypeName = try node.interpolatedString("grant_type_name") ?? InterpolatedString("grant_type")
        grantType = try node.interpolatedString("grant_type") ?? InterpolatedString("refresh_token")
        refreshRequestBody = try node.interpolatedMapping("refresh_request_body")
        refreshRequestHeaders = try node.interpolatedMapping("refresh_request_headers")
        sendRefreshRequestAsQueryParameters = try node.bool("send_refresh_request_as_query_params") ?? false
        scopes = try node.stringList("scopes")
        tokenExpiryDate = try node.interpolatedString("token_expiry_date")
        tokenExpiryDateFormat = try node.string("token_expiry_date_format")
        profileAssertion = try node.component("profile_assertion", as: JwtAuthenticator.self)
        useProfileAssertion = try node.interpolatedBoolean("use_profile_assertion")
        if let updater = node.member("refresh_token_updater") {
            refreshTokenUpdater = RefreshTokenUpdater(
                refreshTokenName: try updater.string("refresh_token_name") ?? "refresh_token",
                accessTokenConfigPath: try updater.stringList("access_token_config_path") ?? ["credentials", "access_token"],
                refreshTokenConfigPath: try updater.stringList("refresh_token_config_path") ?? ["credentials", "refresh_token"],
                tokenExpiryDateConfigPath: try updater.stringList("token_expiry_date_config_path") ?? ["credentials", "token_expiry_date"],
                refreshTokenErrorStatusCodes: (updater.value["refresh_token_error_status_codes"]?.arrayValue ?? []).compactMap { $0.intValue.map(Int.init) },
                refreshTokenErrorKey: try updater.string("refresh_token_error_key") ?? "",
                refreshTokenErrorValues: try updater.stringList("refresh_token_error_values") ?? [])
        } else {
            refreshTokenUpdater = nil
        }
        if tokenRefreshEndpoint == nil && accessTokenValue == nil {
            throw node.error("an OAuthAuthenticator needs 'token_refresh_endpoint' (or a fixed 'access_token_value')")
        }
    }
}
